namespace Orleans.Barrier.Client.Demo;

/// <summary>Short names for silos (<c>silo-1</c>, <c>silo-2</c>) so the timeline stays readable; the demo prints the <c>ip:port</c> legend once.</summary>
internal sealed class SiloLabels
{
    private readonly Dictionary<string, string> _labelsByEndpoint = new(StringComparer.Ordinal);

    /// <param name="knownSilos">Silo endpoints in the order they should be numbered (the primary first).</param>
    public SiloLabels(IEnumerable<string> knownSilos)
    {
        foreach (var silo in knownSilos)
        {
            _ = this[silo];
        }
    }

    /// <summary>The label of a silo endpoint; a silo not seen before gets the next number.</summary>
    public string this[string endpoint]
    {
        get
        {
            if (!_labelsByEndpoint.TryGetValue(endpoint, out var label))
            {
                label = $"silo-{_labelsByEndpoint.Count + 1}";
                _labelsByEndpoint.Add(endpoint, label);
            }

            return label;
        }
    }
}
