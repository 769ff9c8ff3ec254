namespace Orleans.Barrier.Tests;

[Collection(SharedClusterDefinition.Name)]
public sealed class BadInputTests(BarrierClusterFixture fixture)
{
    private readonly IClusterClient _client = fixture.Client;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void GetBarrier_BlankName_ThrowsArgumentException(string? name)
    {
        var thrown = Assert.ThrowsAny<ArgumentException>(() => _client.GetBarrier(name!, 2));

        Assert.Equal("name", thrown.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void GetBarrier_PartiesBelowOne_ThrowsArgumentOutOfRange(int parties)
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => _client.GetBarrier("fine-name", parties));

        Assert.Equal("parties", thrown.ParamName);
        Assert.Contains(parties.ToString(System.Globalization.CultureInfo.InvariantCulture), thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetBarrier_OptionsWithNegativeDefaultTimeout_ThrowsArgumentOutOfRange()
    {
        var options = new BarrierOptions { Parties = 2, DefaultTimeout = TimeSpan.FromSeconds(-1) };

        Assert.Throws<ArgumentOutOfRangeException>(() => _client.GetBarrier("fine-name", options));
    }

    [Fact]
    public async Task WaitAsync_NegativeTimeout_ThrowsArgumentOutOfRangeWithoutArriving()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("negative"), 2);

        var thrown = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => barrier.WaitAsync(TimeSpan.FromMilliseconds(-5))).Bounded();

        Assert.Equal("timeout", thrown.ParamName);
        Assert.Equal(0, (await barrier.GetStatusAsync().Bounded()).Waiting);
    }

    [Fact]
    public async Task WaitAsync_InfiniteTimeout_IsAccepted()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("infinite"), 2);

        var first = barrier.WaitAsync(Timeout.InfiniteTimeSpan);
        await barrier.WaitForWaitingAsync(1);
        Assert.Equal(1, await barrier.WaitAsync().Bounded());
        Assert.Equal(0, await first.Bounded());
    }

    [Fact]
    public async Task WaitAsync_PartyCountMismatch_FailsNamingBothCountsAndBarrierIsUnharmed()
    {
        var name = TestBounds.UniqueName("mismatch");
        var barrier = _client.GetBarrier(name, 3);
        var waiting = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetBarrier(name, 5).WaitAsync()).Bounded();

        Assert.Contains("3", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("5", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await barrier.GetStatusAsync().Bounded()).Waiting);
        var indices = await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).Bounded();
        Assert.Equal([1, 2], indices.Order());
        Assert.Equal(0, await waiting.Bounded());
    }

    [Fact]
    public async Task AbortResetStatus_PartyCountMismatch_FailWithInvalidOperation()
    {
        var name = TestBounds.UniqueName("mismatch-ops");
        await _client.GetBarrier(name, 2).GetStatusAsync().Bounded();
        var wrong = _client.GetBarrier(name, 7);

        await Assert.ThrowsAsync<InvalidOperationException>(() => wrong.AbortAsync()).Bounded();
        await Assert.ThrowsAsync<InvalidOperationException>(() => wrong.ResetAsync()).Bounded();
        await Assert.ThrowsAsync<InvalidOperationException>(() => wrong.GetStatusAsync()).Bounded();
        Assert.False((await _client.GetBarrier(name, 2).GetStatusAsync().Bounded()).IsBroken);
    }

    [Fact]
    public async Task AbortAsync_WithoutPartyCountOnUnusedBarrier_FailsClearly()
    {
        var grain = _client.GetGrain<IBarrierGrain>(TestBounds.UniqueName("unused"));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.AbortAsync(null)).Bounded();

        Assert.Contains("party count", thrown.Message, StringComparison.Ordinal);
        Assert.Null(await grain.GetStatusAsync(null).Bounded());
    }
}
