using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// What a barrier is, as opposed to where it stands: its party count (and, with elastic membership, how that count may
/// change). It is stored with the barrier and held once, by its <see cref="BarrierStateMachine"/>. A participant's
/// request carries the count it declared only until the barrier has met it, here.
/// </summary>
[DebuggerDisplay("{Parties} parties")]
internal sealed class BarrierDefinition
{
    /// <param name="parties">The party count, 1 or more.</param>
    public BarrierDefinition(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        Parties = parties;
    }

    /// <summary>How many arrivals a release takes.</summary>
    public int Parties { get; }

    /// <summary>Checks the party count a participant declared against the barrier's; the one place that does.</summary>
    /// <param name="barrier">The barrier's name, for the message.</param>
    /// <param name="declared">The count the participant's handle was made with.</param>
    /// <exception cref="InvalidOperationException">The counts differ; the message names both.</exception>
    public void Meet(string barrier, int declared)
    {
        if (declared != Parties)
        {
            throw new InvalidOperationException(BarrierArguments.PartyMismatch(barrier, Parties, declared));
        }
    }
}
