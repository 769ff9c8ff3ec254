using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>The grain's held polls: woken by their arrival's result, or answered "pending" when their time is up.</summary>
public sealed class HeldPollsTests
{
    private static readonly ArrivalResult Pending = ArrivalResult.Pending(0);

    [Fact]
    public async Task ExpireDue_PollWhoseTimeIsUp_IsAnsweredPendingAndForgotten()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var arrival = ArrivalId.New();
        var poll = polls.GetOrAdd(arrival);
        polls.ExpireAt(arrival, poll, T0.AddSeconds(1));

        polls.ExpireDue(T0.AddSeconds(1), Pending);

        Assert.True(poll.Task.IsCompletedSuccessfully);
        Assert.Equal(Pending, await poll.Task);
        Assert.Equal(0, polls.Count);
        Assert.Null(polls.NextExpiry);
    }

    [Fact]
    public void ExpireDue_PollNotYetDue_KeepsWaiting()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var arrival = ArrivalId.New();
        var poll = polls.GetOrAdd(arrival);
        polls.ExpireAt(arrival, poll, T0.AddSeconds(2));

        polls.ExpireDue(T0.AddSeconds(1), Pending);

        Assert.False(poll.Task.IsCompleted);
        Assert.Equal(T0.AddSeconds(2), polls.NextExpiry);
    }

    [Fact]
    public async Task Complete_WakesThePollWithTheResultAndItsExpiryGoesStale()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var arrival = ArrivalId.New();
        var poll = polls.GetOrAdd(arrival);
        polls.ExpireAt(arrival, poll, T0.AddSeconds(1));

        polls.Complete(arrival, ArrivalResult.Released(3, 7));
        polls.ExpireDue(T0.AddSeconds(5), Pending);

        Assert.True(poll.Task.IsCompletedSuccessfully);
        Assert.Equal(ArrivalResult.Released(3, 7), await poll.Task);
        Assert.Null(polls.NextExpiry);
    }

    [Fact]
    public void GetOrAdd_ReissuedPollOfAHeldArrival_SharesItsCompletionSource()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var arrival = ArrivalId.New();

        var first = polls.GetOrAdd(arrival);
        var second = polls.GetOrAdd(arrival);

        Assert.Same(first, second);
        Assert.Equal(1, polls.Count);
    }

    [Fact]
    public void ExpiryAfterTheArrivalWasAnsweredAndHeldAgain_DoesNotEndTheNewPoll()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var arrival = ArrivalId.New();
        var old = polls.GetOrAdd(arrival);
        polls.ExpireAt(arrival, old, T0.AddSeconds(1));
        polls.ExpireDue(T0.AddSeconds(1), Pending);
        var renewed = polls.GetOrAdd(arrival);
        polls.ExpireAt(arrival, renewed, T0.AddSeconds(3));

        polls.ExpireDue(T0.AddSeconds(2), Pending);

        Assert.NotSame(old, renewed);
        Assert.False(renewed.Task.IsCompleted);
        Assert.Equal(T0.AddSeconds(3), polls.NextExpiry);
    }

    [Fact]
    public void ManyReleasedPolls_DoNotPileUpInTheExpiryQueue()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var held = ArrivalId.New();
        polls.ExpireAt(held, polls.GetOrAdd(held), T0.AddMinutes(1));

        for (var i = 0; i < 10_000; i++)
        {
            var arrival = ArrivalId.New();
            polls.ExpireAt(arrival, polls.GetOrAdd(arrival), T0.AddSeconds(15));
            polls.Complete(arrival, ArrivalResult.Released(0, i + 1));
        }

        Assert.Equal(1, polls.Count);
        Assert.True(polls.QueuedExpiries <= 2 + 64 + 1, $"{polls.QueuedExpiries} expiries queued for 1 held poll.");
        Assert.Equal(T0.AddMinutes(1), polls.NextExpiry);
    }

    [Fact]
    public void FailAll_FailsEveryHeldPollWithTheError()
    {
        var polls = new HeldPolls<ArrivalResult>();
        var a = polls.GetOrAdd(ArrivalId.New());
        var b = polls.GetOrAdd(ArrivalId.New());
        var error = new BarrierUnavailableException("stepping aside");

        polls.FailAll(error);

        Assert.Same(error, a.Task.Exception!.InnerException);
        Assert.Same(error, b.Task.Exception!.InnerException);
        Assert.Equal(0, polls.Count);
    }
}
