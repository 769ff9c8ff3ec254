using System.Globalization;

namespace Orleans.Barrier.Client.Commands;

/// <summary>Reads a wait timeout the way people type one: <c>30</c> or <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, or <c>00:00:30</c>.</summary>
internal static class TimeoutValue
{
    public const string Examples = "30, 30s, 500ms, 2m, 1h or 00:00:30";

    public static bool TryParse(string text, out TimeSpan timeout, out string? error)
    {
        text = text.Trim();
        var (number, unit) = SplitUnit(text);
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            var unitLength = unit switch
            {
                "ms" => TimeSpan.FromMilliseconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                _ => TimeSpan.FromSeconds(1),
            };

            // double.TryParse also reads "NaN" and "Infinity", and a big enough number overflows TimeSpan;
            // both would throw from the parser and crash the process instead of being a usage error.
            if (!double.IsFinite(amount) || amount * unitLength.Ticks >= TimeSpan.MaxValue.Ticks)
            {
                timeout = default;
                error = $"'{text}' is not a usable duration; use e.g. {Examples}.";
                return false;
            }

            timeout = unitLength * amount;
            error = null;
            return true;
        }

        // Only with a colon: TimeSpan reads a bare "30" as thirty days.
        if (text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out timeout)
            && timeout >= TimeSpan.Zero)
        {
            error = null;
            return true;
        }

        timeout = default;
        error = $"'{text}' is not a timeout; use e.g. {Examples}.";
        return false;
    }

    private static (string Number, string Unit) SplitUnit(string text)
    {
        foreach (var unit in (string[])["ms", "s", "m", "h"])
        {
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
            {
                return (text[..^unit.Length], unit);
            }
        }

        return (text, "s");
    }
}
