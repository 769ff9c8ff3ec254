using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>How the client reads the durations of <c>--timeout</c> and <c>--lease</c>.</summary>
public sealed class TimeoutValueTests
{
    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:30", 30_000)]
    public void TryParse_TypedDuration_IsRead(string text, int milliseconds)
    {
        Assert.True(TimeoutValue.TryParse(text, out var timeout, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("99999999999h")]
    public void TryParse_NotAUsableDuration_IsAnErrorNotAnException(string text)
    {
        Assert.False(TimeoutValue.TryParse(text, out _, out var error));
        Assert.Contains(TimeoutValue.Examples, error, StringComparison.Ordinal);
    }
}
