using System.CommandLine;
using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>
/// The CLI's <c>--redis</c> and TLS options, parsed in-process: contradictions and bad values are usage errors
/// (exit 1) with one clear line, before any connection is tried.
/// </summary>
public sealed class ConnectionCommandLineTests
{
    [Fact]
    public void Status_GatewayAndRedisTogether_IsAUsageError()
    {
        var (exitCode, error) = Invoke(["status", "b", "--gateway", "127.0.0.1:30000", "--redis", "127.0.0.1:6379"]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Contains("Use --gateway or --redis, not both: --redis finds the gateways itself.", error.Split(Environment.NewLine));
    }

    [Theory]
    [InlineData("127.0.0.1:6379,nonsense=1", "--redis: '127.0.0.1:6379,nonsense=1' is not a Redis address or configuration string: Keyword 'nonsense' is not supported.")]
    [InlineData(" ", "--redis: the Redis address is empty; expected host:port, e.g. 127.0.0.1:6379.")]
    public void Wait_BadRedisValue_IsAUsageError(string redis, string expected)
    {
        var (exitCode, error) = Invoke(["wait", "b", "--parties", "2", "--redis", redis]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Contains(error.Split(Environment.NewLine), line => line.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Status_RedisGiven_IsParsedAndChosenOverTheDefaultGateway()
    {
        var result = ClientCommandLine.Create().Parse(["status", "b", "--redis", "redis.example:6380,password=secret"]);

        Assert.Empty(result.Errors);
        var redis = result.GetValue<Connectivity.RedisSettings?>("--redis");
        Assert.Equal("redis.example:6380", redis?.Description);
    }

    [Fact]
    public void Status_TlsPasswordWithoutCertificate_IsAUsageErrorBeforeConnecting()
    {
        var (exitCode, error) = Invoke(["status", "b", "--gateway", "127.0.0.1:1", "--tls-password", "secret"]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Equal(
            "error: --tls-password and --tls-ca (BARRIER_TLS_PASSWORD, BARRIER_TLS_CA) need --tls-cert (BARRIER_TLS_CERT): TLS here is mutual, so this side needs a certificate too.",
            error.Trim());
    }

    [Fact]
    public void Status_TlsCertificateFileMissing_IsAUsageError()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.pfx");

        var (exitCode, error) = Invoke(["status", "b", "--tls-cert", missing]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Contains($"--tls-cert: no file at '{missing}'.", error.Split(Environment.NewLine));
    }

    [Fact]
    public void Status_TlsCertificateWithWrongPassword_IsOneLineAndAUsageError()
    {
        using var certificate = SelfSignedCertificate.Create();

        var (exitCode, error) = Invoke(["status", "b", "--gateway", "127.0.0.1:1", "--tls-cert", certificate.PfxPath, "--tls-password", "wrong"]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot open the TLS certificate '{certificate.PfxPath}': not a PFX (PKCS#12) file, or the password is wrong", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_TlsWithoutARunningCluster_IsAUsageError()
    {
        using var certificate = SelfSignedCertificate.Create();

        var (exitCode, error) = Invoke(["demo", .. certificate.Arguments()]);

        Assert.Equal(ExitCodes.InvalidArguments, exitCode);
        Assert.Equal(
            "error: --tls-cert is for a running cluster (with --gateway or --redis); the embedded demo cluster does not use TLS.",
            error.Trim());
    }

    private static (int ExitCode, string Error) Invoke(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = ClientCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, error.ToString());
    }
}
