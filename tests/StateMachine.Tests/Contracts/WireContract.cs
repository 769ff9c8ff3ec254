using System.Reflection;
using System.Text;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Renders every wire and storage identity an assembly declares, as text to check in and review: grain interfaces
/// (their alias, and each method's alias and signature), grain classes (their grain type), and serializable types
/// (their alias and each <c>[Id]</c> member, or an enum's values). Renaming a type is harmless while its alias stays;
/// what this text shows is exactly what a running cluster, or stored state, depends on.
/// </summary>
internal static class WireContract
{
    public static string Render(Assembly assembly)
    {
        var text = new StringBuilder();
        text.Append("# Wire and storage identities of ").Append(assembly.GetName().Name).Append('\n');
        text.Append("# Checked by WireContractTests. After an intended change, regenerate with:\n");
        text.Append("#   BARRIER_UPDATE_CONTRACTS=1 dotnet test tests/StateMachine.Tests --filter WireContractTests\n");
        text.Append("# and say in CHANGELOG.md what a running cluster or stored state will notice.\n");
        foreach (var type in assembly.GetTypes().Where(IsContract).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append('\n');
            if (type.IsInterface)
            {
                RenderInterface(type, text);
            }
            else if (Attribute(type, "GrainTypeAttribute") is not null)
            {
                text.Append("grain ").Append(Attributes(type)).Append(type.FullName).Append('\n');
            }
            else
            {
                RenderSerializable(type, text);
            }
        }

        return text.ToString();
    }

    private static bool IsContract(Type type)
        => type.Namespace?.StartsWith("OrleansCodeGen", StringComparison.Ordinal) != true
            && ((type.IsInterface && typeof(IAddressable).IsAssignableFrom(type) && Attribute(type, "AliasAttribute") is not null)
                || Attribute(type, "GrainTypeAttribute") is not null
                || Attribute(type, "GenerateSerializerAttribute") is not null);

    private static void RenderInterface(Type type, StringBuilder text)
    {
        text.Append("interface ").Append(Attributes(type)).Append(type.FullName).Append('\n');
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        foreach (var method in methods.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.GetParameters().Length))
        {
            var parameters = string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"));
            text.Append("  ").Append(Attributes(method)).Append(Name(method.ReturnType)).Append(' ').Append(method.Name)
                .Append('(').Append(parameters).Append(")\n");
        }
    }

    private static void RenderSerializable(Type type, StringBuilder text)
    {
        var kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : "class";
        text.Append(kind).Append(' ').Append(Attributes(type)).Append(type.FullName);
        if (!type.IsEnum && !type.IsValueType && type.BaseType is { } baseType && baseType != typeof(object))
        {
            text.Append(" : ").Append(Name(baseType));
        }

        text.Append('\n');
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => Convert.ToInt64(f.GetRawConstantValue(), null)))
            {
                text.Append("  ").Append(field.Name).Append(" = ").Append(field.GetRawConstantValue()).Append('\n');
            }

            return;
        }

        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var members = type.GetProperties(declared).Cast<MemberInfo>().Concat(type.GetFields(declared))
            .Select(member => (Member: member, Id: Attribute(member, "IdAttribute")?.ConstructorArguments[0].Value))
            .Where(m => m.Id is not null)
            .OrderBy(m => Convert.ToInt64(m.Id, null));
        foreach (var (member, id) in members)
        {
            var memberType = member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;
            text.Append("  [Id(").Append(id).Append(")] ").Append(Name(memberType)).Append(' ').Append(member.Name).Append('\n');
        }
    }

    /// <summary>The attributes that make an identity: alias, grain type, version, and immutability (which decides copying).</summary>
    private static string Attributes(MemberInfo member)
    {
        var text = new StringBuilder();
        foreach (var name in new[] { "GrainTypeAttribute", "AliasAttribute", "VersionAttribute", "ImmutableAttribute" })
        {
            if (Attribute(member, name) is { } attribute)
            {
                var arguments = string.Join(", ", attribute.ConstructorArguments.Select(a => a.Value is string s ? $"\"{s}\"" : $"{a.Value}"));
                text.Append('[').Append(name[..^"Attribute".Length]).Append(arguments.Length > 0 ? $"({arguments})" : "").Append("] ");
            }
        }

        return text.ToString();
    }

    private static CustomAttributeData? Attribute(MemberInfo member, string name)
        => member.CustomAttributes.FirstOrDefault(a => a.AttributeType.Name == name);

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        var name = type.Namespace is "System" or "Orleans.Barrier" || type.Namespace is null ? type.Name : $"{type.Namespace}.{type.Name}";
        if (!type.IsGenericType)
        {
            return name;
        }

        var bare = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{bare}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
