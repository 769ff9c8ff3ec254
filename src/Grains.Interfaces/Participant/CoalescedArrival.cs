namespace Orleans.Barrier;

/// <summary>One coalesced arrival on the wire: the local participants it stands for, in local arrival order.</summary>
internal sealed class CoalescedArrival
{
    /// <summary>The members it was lowered to last (all of them at first): what re-issues send.</summary>
    public LocalArrival[] LastSent;

    public CoalescedArrival(ArrivalId id, LocalArrival[] members)
    {
        Id = id;
        All = members;
        LastSent = members;
        Lists[members.Length] = members;
    }

    public ArrivalId Id { get; }

    /// <summary>Everyone it was sent for, in local arrival order.</summary>
    public LocalArrival[] All { get; }

    /// <summary>Every list it was lowered to, by size: each shorter one a subset of the longer, so a size names one list.</summary>
    public Dictionary<int, LocalArrival[]> Lists { get; } = [];

    public CancellationTokenSource Withdrawal { get; } = new();

    public bool WithdrawalRequested { get; set; }

    public bool Settled { get; set; }

    /// <summary>Makes the poll loop withdraw the whole arrival; nothing to do if it has already finished.</summary>
    public void WithdrawWhole()
    {
        try
        {
            Withdrawal.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Settled meanwhile: every member already has its outcome.
        }
    }
}
