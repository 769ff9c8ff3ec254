namespace Orleans.Barrier.Tests;

/// <summary>
/// Where an arrival enters a silo (<see cref="ArrivalAdmission"/>): the barrier grain and a shard read one request the
/// same way, the silo's default lease filled in and the caller's id naming an unnamed participant.
/// </summary>
public sealed class ArrivalAdmissionTests
{
    private static readonly BarrierHostOptions Options = new() { DefaultLeaseDuration = TimeSpan.FromSeconds(30) };

    private static ArrivalRequest Request(TimeSpan? lease = null, string? participant = null)
        => new(ArrivalId.New(), 3, null, null, null) { Lease = lease, Participant = participant };

    [Fact]
    public void AtBarrierAndAtShard_NoLease_BothRunUnderTheSilosDefault()
    {
        var request = Request();

        var atBarrier = ArrivalAdmission.AtBarrier(request, Options, "caller", "request");
        var atShard = ArrivalAdmission.AtShard(request, Options, "caller", "request");

        Assert.Equal(TimeSpan.FromSeconds(30), atBarrier.Lease);
        Assert.Equal(atBarrier.Lease, atShard.Lease);
    }

    [Fact]
    public void AtBarrierAndAtShard_InfiniteLease_HaveNoLease()
    {
        var request = Request(Timeout.InfiniteTimeSpan);

        Assert.Null(ArrivalAdmission.AtBarrier(request, Options, null, "request").Lease);
        Assert.Null(ArrivalAdmission.AtShard(request, Options, null, "request").Lease);
    }

    [Theory]
    [InlineData("worker-1", "caller", "worker-1")]
    [InlineData(null, "caller", "caller")]
    [InlineData(null, null, ParticipantName.Unknown)]
    public void AtBarrierAndAtShard_NameTheParticipantAlike(string? participant, string? caller, string expected)
    {
        var request = Request(participant: participant);

        Assert.Equal(expected, ArrivalAdmission.AtBarrier(request, Options, caller, "request").Participant);
        Assert.Equal(expected, ArrivalAdmission.AtShard(request, Options, caller, "request").Participant);
    }

    [Fact]
    public void AtBarrierAndAtShard_LeaseTooShort_ThrowArgumentOutOfRange()
    {
        var request = Request(TimeSpan.FromMilliseconds(10));

        Assert.Throws<ArgumentOutOfRangeException>("request", () => ArrivalAdmission.AtBarrier(request, Options, null, "request"));
        Assert.Throws<ArgumentOutOfRangeException>("request", () => ArrivalAdmission.AtShard(request, Options, null, "request"));
    }

    [Fact]
    public void AtShard_CoalescedArrival_ThrowsArgument()
    {
        var request = Request() with { Units = 2 };

        Assert.Throws<ArgumentException>("request", () => ArrivalAdmission.AtShard(request, Options, null, "request"));
    }
}
