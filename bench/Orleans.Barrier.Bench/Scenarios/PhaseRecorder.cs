namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>
/// Where one participant writes its timestamps: a slice of a round's phase-major arrays (client tasks write
/// straight into the round's arrays at <c>phase * parties + participant</c>) or a timeline of its own (grains).
/// </summary>
internal readonly struct PhaseRecorder
{
    private readonly long[] _arrived;
    private readonly long[] _released;
    private readonly int[] _indices;
    private readonly int _offset;
    private readonly int _stride;

    public PhaseRecorder(long[] arrived, long[] released, int[] indices, int offset, int stride)
    {
        _arrived = arrived;
        _released = released;
        _indices = indices;
        _offset = offset;
        _stride = stride;
    }

    public PhaseRecorder(ParticipantTimeline timeline)
        : this(timeline.Arrived, timeline.Released, timeline.Indices, 0, 1)
    {
    }

    public void Arrived(int phase, long timestamp) => _arrived[_offset + (phase * _stride)] = timestamp;

    public void Released(int phase, long timestamp, int index)
    {
        _released[_offset + (phase * _stride)] = timestamp;
        _indices[_offset + (phase * _stride)] = index;
    }
}
