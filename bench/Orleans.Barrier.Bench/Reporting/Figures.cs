using System.Globalization;

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>How numbers are written in the tables: invariant culture, precision that suits the size.</summary>
internal static class Figures
{
    public static string Ms(double ms) => ms switch
    {
        >= 100 => ms.ToString("F1", CultureInfo.InvariantCulture),
        >= 10 => ms.ToString("F2", CultureInfo.InvariantCulture),
        _ => ms.ToString("F3", CultureInfo.InvariantCulture),
    };

    public static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

    /// <summary>A rate: whole numbers from 100 up, else enough digits to tell 2.6 from 3.4.</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 100 => perSecond.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => perSecond.ToString("F1", CultureInfo.InvariantCulture),
        _ => perSecond.ToString("F2", CultureInfo.InvariantCulture),
    };

    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Decimal(double value, int digits = 1) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Bytes(double bytes) => Math.Abs(bytes) switch
    {
        >= 10 * 1024 * 1024 => (bytes / (1024 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 10 * 1024 => (bytes / 1024).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("F0", CultureInfo.InvariantCulture) + " B",
    };
}
