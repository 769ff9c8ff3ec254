namespace Orleans.Barrier.Bench.Measurement;

/// <summary>Nearest-rank percentiles: every reported figure is a value that was actually measured.</summary>
internal static class Percentile
{
    /// <summary>The <paramref name="percent"/>th percentile of <paramref name="sorted"/> (ascending, not empty).</summary>
    public static double Of(IReadOnlyList<double> sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
