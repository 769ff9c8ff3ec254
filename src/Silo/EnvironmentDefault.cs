using System.CommandLine.Parsing;

namespace Orleans.Barrier.Silo;

/// <summary>
/// Option defaults that come from an environment variable when it is set, so a container can be configured without
/// a command line. A command-line value still wins: System.CommandLine only asks for the default when the option
/// is absent.
/// </summary>
internal static class EnvironmentDefault
{
    /// <summary>Converts one text value; returns an error message instead of throwing.</summary>
    public delegate bool TryConvert<T>(string text, out T value, out string? error);

    /// <summary>A default factory that reads <paramref name="variable"/>, or falls back to <paramref name="fallback"/>.</summary>
    public static Func<ArgumentResult, T> From<T>(string variable, T fallback, TryConvert<T> convert)
        => result =>
        {
            var text = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (convert(text.Trim(), out var value, out var error))
            {
                return value;
            }

            result.AddError($"Environment variable {variable}: {error}");
            return fallback;
        };

    /// <summary>A default factory for a string option.</summary>
    public static Func<ArgumentResult, string> From(string variable, string fallback)
        => From(variable, fallback, static (string text, out string value, out string? error) =>
        {
            value = text;
            error = null;
            return true;
        });
}
