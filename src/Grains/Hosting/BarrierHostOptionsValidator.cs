using Microsoft.Extensions.Options;

namespace Orleans.Barrier;

/// <summary>Rejects nonsensical <see cref="BarrierHostOptions"/> when the silo starts, not at the first wait.</summary>
internal sealed class BarrierHostOptionsValidator : IValidateOptions<BarrierHostOptions>
{
    public ValidateOptionsResult Validate(string? name, BarrierHostOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultPollInterval is { } poll && poll <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(BarrierHostOptions.DefaultPollInterval)} must be positive; got {poll}.");
        }

        if (options.MaxPollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(BarrierHostOptions.MaxPollInterval)} must be positive; got {options.MaxPollInterval}.");
        }

        if (options.ResultRetention < TimeSpan.Zero)
        {
            failures.Add($"{nameof(BarrierHostOptions.ResultRetention)} must be zero or more; got {options.ResultRetention}.");
        }

        if (string.IsNullOrWhiteSpace(options.StorageName))
        {
            failures.Add($"{nameof(BarrierHostOptions.StorageName)} must name a grain storage provider.");
        }

        if (!BarrierArguments.IsValidLease(options.DefaultLeaseDuration))
        {
            failures.Add($"{nameof(BarrierHostOptions.DefaultLeaseDuration)} must be at least {BarrierOptions.MinLeaseDuration}, or infinite; got {options.DefaultLeaseDuration}.");
        }

        if (options.StatusListLimit < 0)
        {
            failures.Add($"{nameof(BarrierHostOptions.StatusListLimit)} must be zero or more; got {options.StatusListLimit}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
