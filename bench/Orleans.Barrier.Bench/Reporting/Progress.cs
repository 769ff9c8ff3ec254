using System.Diagnostics;
using System.Globalization;

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>Progress lines on stderr, stamped with the time since the run started; stdout is left to the tables.</summary>
internal sealed class Progress
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void Report(string message)
        => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Elapsed.TotalSeconds,7:F1}s] {message}"));
}
