using System.Globalization;

namespace Orleans.Barrier.Client.Demo;

/// <summary>
/// Events from every participant, printed in time order with the time since the start of the act. Participants
/// report their own clock readings; in one process (or on one machine) those are directly comparable. Safe to add
/// to from concurrent participants.
/// </summary>
internal sealed class Timeline(DateTimeOffset origin)
{
    private readonly Lock _lock = new();
    private readonly List<(DateTimeOffset At, int Order, string Who, string What)> _events = [];

    public void Add(DateTimeOffset at, string who, string what)
    {
        lock (_lock)
        {
            _events.Add((at, _events.Count, who, what));
        }
    }

    public void Add(string who, string what) => Add(DateTimeOffset.UtcNow, who, what);

    public async Task WriteToAsync(TextWriter output)
    {
        List<(DateTimeOffset At, int Order, string Who, string What)> events;
        lock (_lock)
        {
            events = [.. _events.OrderBy(e => e.At).ThenBy(e => e.Order)];
            _events.Clear();
        }

        var width = events.Count == 0 ? 0 : events.Max(e => e.Who.Length);
        foreach (var (at, _, who, what) in events)
        {
            var elapsed = Math.Max(0, (at - origin).TotalSeconds);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  +{elapsed:0.00}s  {who.PadRight(width)}  {what}"));
        }
    }
}
