using System.Globalization;

namespace Orleans.Barrier.Client.Commands;

/// <summary>
/// What <c>status</c> prints: the one-line summary, then the silo hosting the barrier, why it broke, who is waiting
/// and since when, and who arrived last phase but not yet in this one.
/// </summary>
internal static class BarrierStatusReport
{
    /// <summary>Prefix of the line naming the previous phase's participants that have not arrived yet.</summary>
    public const string MissingPrefix = "Missing (arrived last phase, not yet this one): ";

    /// <summary>
    /// The report for barrier <paramref name="name"/>, one string per line. <paramref name="now"/> is the
    /// client's clock, against which each waiter's arrival time is measured.
    /// </summary>
    public static IReadOnlyList<string> Lines(string name, BarrierStatus? status, DateTimeOffset now)
    {
        if (status is null)
        {
            return [$"Barrier '{name}' has not been used yet."];
        }

        var lines = new List<string> { $"Barrier '{name}': {BarrierStatusText.Format(status)}." };
        if (status.HostSilo is { } host)
        {
            // Which silo process to look at (logs, load) and which one taking down moves the barrier.
            lines.Add($"Host silo: {ParticipantNames.Printable(host)}");
        }

        if (status.IsBroken && status.BrokenReason is { } reason)
        {
            lines.Add(BrokenReasonLine(reason, status.LostParticipants));
        }

        AddWaiters(lines, status, now);
        if (status.Missing.Count > 0)
        {
            lines.Add(MissingPrefix + ParticipantNames.Join(status.Missing));
        }

        return lines;
    }

    /// <summary>How long a waiter has waited, e.g. <c>12.3s</c>, <c>4m05s</c> or <c>26h03m</c>.</summary>
    public static string WaitedText(TimeSpan waited)
    {
        // The arrival time comes from the silo's clock; a client clock behind it would make the wait negative.
        if (waited < TimeSpan.Zero)
        {
            waited = TimeSpan.Zero;
        }

        if (waited < TimeSpan.FromMinutes(1))
        {
            // Whole tenths, truncated, so 59.99s never shows as "60.0s".
            var tenths = waited.Ticks / (TimeSpan.TicksPerSecond / 10);
            return string.Create(CultureInfo.InvariantCulture, $"{tenths / 10}.{tenths % 10}s");
        }

        return waited < TimeSpan.FromHours(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{waited.Minutes}m{waited.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)waited.TotalHours}h{waited.Minutes:00}m");
    }

    private static string BrokenReasonLine(BrokenBarrierReason reason, IReadOnlyList<string> lostParticipants)
        => reason == BrokenBarrierReason.ParticipantLost && lostParticipants.Count > 0
            ? $"Broken reason: {reason}; lost participants: {ParticipantNames.Join(lostParticipants)}"
            : $"Broken reason: {reason}";

    private static void AddWaiters(List<string> lines, BarrierStatus status, DateTimeOffset now)
    {
        var listed = status.Waiters;
        if (listed.Count == 0)
        {
            // A silo that lists no waiters (its list limit is 0, or it predates the list) still counts them.
            if (status.Waiting > 0)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"Waiters: {status.Waiting} waiting, none listed."));
            }

            return;
        }

        var rows = listed
            .Select(waiter => (
                Participant: ParticipantNames.Printable(waiter.Participant),
                Where: waiter.Silo is { } silo ? ParticipantNames.Printable(silo) : "client",
                Waited: WaitedText(now - waiter.ArrivedAt) + (waiter.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"  ({waiter.Count} participants in one coalesced arrival)") : string.Empty)))
            .ToList();
        var participantWidth = rows.Max(row => row.Participant.Length);
        var whereWidth = rows.Max(row => row.Where.Length);

        lines.Add("Waiters (oldest first):");
        lines.AddRange(rows.Select(row =>
            $"  {row.Participant.PadRight(participantWidth)}  {row.Where.PadRight(whereWidth)}  waiting {row.Waited}"));
        var listedParticipants = listed.Sum(waiter => Math.Max(waiter.Count, 1));
        if (status.Waiting > listedParticipants)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  ... and {status.Waiting - listedParticipants} more not listed"));
        }
    }
}
