using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary>The barrier name argument and <c>--parties</c> option, made the same way for every command.</summary>
internal static class BarrierSymbols
{
    public static Argument<string> Name()
    {
        var name = new Argument<string>("name") { Description = "The barrier's cluster-wide name." };
        name.Validators.Add(result =>
        {
            // Checked here so a blank name is a usage error, not a round trip to the cluster.
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("The barrier name must not be empty or white space.");
            }
        });
        return name;
    }

    public static Option<int?> Parties(bool required, string description)
    {
        var parties = new Option<int?>("--parties", "-n")
        {
            Description = description,
            HelpName = "N",
            Required = required,
        };
        parties.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--parties must be at least 1.");
            }
        });
        return parties;
    }
}
