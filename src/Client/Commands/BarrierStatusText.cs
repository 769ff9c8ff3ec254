using System.Globalization;

namespace Orleans.Barrier.Client.Commands;

/// <summary>One readable line for a <see cref="BarrierStatus"/>, shared by <c>status</c> and the demo.</summary>
internal static class BarrierStatusText
{
    public static string Format(BarrierStatus status)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{status.State}, {status.Waiting} of {status.Parties} waiting, phase {status.Phase}");
        return status.IsBroken ? line + " (every wait fails until it is reset)" : line;
    }
}
