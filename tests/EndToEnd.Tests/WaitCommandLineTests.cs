using System.CommandLine;
using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>
/// <c>wait</c>'s participant and lease options, parsed in-process: bad values are usage errors (exit 1) before any
/// connection is tried, and good ones reach the barrier options.
/// </summary>
public sealed class WaitCommandLineTests
{
    [Theory]
    [InlineData("--participant", "", "--participant must not be empty or white space.")]
    [InlineData("--participant", "   ", "--participant must not be empty or white space.")]
    [InlineData("--lease", "499ms", "--lease must be at least 500ms, or 'infinite' for no lease; got '499ms'.")]
    [InlineData("--lease", "0", "--lease must be at least 500ms, or 'infinite' for no lease; got '0'.")]
    [InlineData("--lease", "soon", "'soon' is not a lease; use e.g. 30, 30s, 500ms, 2m, 1h or 00:00:30, or 'infinite'.")]
    [InlineData("--on-lost", "ignore", "--on-lost must be 'break' or 'evict'; got 'ignore'.")]
    [InlineData("--on-lost", "1", "--on-lost must be 'break' or 'evict'; got '1'.")]
    [InlineData("--shards", "0", "--shards must be 1 to 1024; got 0.")]
    [InlineData("--shards", "1025", "--shards must be 1 to 1024; got 1025.")]
    public void Wait_BadValue_IsAUsageErrorWithOneClearLine(string option, string value, string expected)
    {
        var (exitCode, error) = Invoke(["wait", "b", "--parties", "2", option, value]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Contains(expected, error.Split(Environment.NewLine));
    }

    [Fact]
    public void Wait_ParticipantLongerThanTheBarrierAllows_IsAUsageError()
    {
        var tooLong = new string('w', BarrierOptions.MaxParticipantLength + 1);

        var (exitCode, error) = Invoke(["wait", "b", "--parties", "2", "--participant", tooLong]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Contains($"--participant may have at most {BarrierOptions.MaxParticipantLength} characters; got {tooLong.Length}.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_GoodValues_AreParsed()
    {
        var longestName = new string('w', BarrierOptions.MaxParticipantLength);

        var result = Parse(["wait", "b", "--parties", "2", "--participant", longestName, "--lease", "500ms", "--on-lost", "Evict", "--shards", "8"]);

        Assert.Empty(result.Errors);
        Assert.Equal(longestName, result.GetValue<string?>("--participant"));
        Assert.Equal(BarrierOptions.MinLeaseDuration, result.GetValue<TimeSpan?>("--lease"));
        Assert.Equal(ParticipantLossPolicy.Evict, result.GetValue<ParticipantLossPolicy?>("--on-lost"));
        Assert.Equal(8, result.GetValue<int?>("--shards"));
    }

    [Fact]
    public void Wait_LeaseInfinite_TurnsLeasesOff()
    {
        var result = Parse(["wait", "b", "--parties", "2", "--lease", "infinite"]);

        Assert.Empty(result.Errors);
        Assert.Equal(Timeout.InfiniteTimeSpan, result.GetValue<TimeSpan?>("--lease"));
    }

    [Fact]
    public void Wait_NewOptionsLeftOut_LeaveTheBarrierOptionsDefaults()
    {
        var result = Parse(["wait", "b", "--parties", "2"]);

        Assert.Empty(result.Errors);
        Assert.Null(result.GetValue<string?>("--participant"));
        Assert.Null(result.GetValue<TimeSpan?>("--lease"));
        Assert.Null(result.GetValue<ParticipantLossPolicy?>("--on-lost"));
        Assert.Null(result.GetValue<int?>("--shards"));
    }

    private static ParseResult Parse(string[] args) => ClientCommandLine.Create().Parse(args);

    private static (int ExitCode, string Error) Invoke(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, error.ToString());
    }
}
