namespace Orleans.Barrier;

/// <summary>
/// Who is calling a reentrant barrier grain or shard, noted by its incoming call filter, as text: an unnamed arrival is
/// named by its caller's grain or client id. The text is made once per caller rather than once per poll, since one
/// client's many tasks share it.
/// </summary>
/// <remarks>
/// Read it before the call's first await: another call's filter notes its own caller meanwhile.
/// </remarks>
internal sealed class CallerNames
{
    private GrainId? _current;
    private (GrainId Id, string Name) _last;

    /// <summary>Notes the caller of the call that is about to run.</summary>
    public void Note(GrainId? caller) => _current = caller;

    /// <summary>The current caller's id as text, or null if it has none.</summary>
    public string? Current
    {
        get
        {
            if (_current is not { } caller)
            {
                return null;
            }

            if (caller != _last.Id)
            {
                _last = (caller, caller.ToString());
            }

            return _last.Name;
        }
    }
}
