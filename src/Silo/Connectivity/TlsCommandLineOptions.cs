using System.CommandLine;
using System.CommandLine.Parsing;

namespace Orleans.Barrier.Connectivity;

/// <summary>
/// <c>--tls-cert</c>, <c>--tls-password</c> and <c>--tls-ca</c>, the same for the silo and the CLI, each with an
/// environment variable as its fallback. Without <c>--tls-cert</c> the connection is plain TCP.
/// </summary>
internal sealed class TlsCommandLineOptions
{
    public TlsCommandLineOptions()
    {
        Certificate = new Option<string?>("--tls-cert")
        {
            Description = "Use mutual TLS with this PFX (PKCS#12) file's certificate and private key; silos and clients must all use TLS. "
                + "Env: BARRIER_TLS_CERT. Default: no TLS.",
            HelpName = "path",
            DefaultValueFactory = _ => FromEnvironment("BARRIER_TLS_CERT"),
        };
        Password = new Option<string?>("--tls-password")
        {
            Description = "The PFX file's password. Prefer the environment variable: a command line is visible to other users. Env: BARRIER_TLS_PASSWORD.",
            HelpName = "password",
            DefaultValueFactory = _ => FromEnvironment("BARRIER_TLS_PASSWORD"),
        };
        TrustedCa = new Option<string?>("--tls-ca")
        {
            Description = "Accept only peers whose certificate chains to a certificate in this PEM or DER file. Env: BARRIER_TLS_CA. "
                + "Default: the root of --tls-cert's own chain as found in the PFX; for a self-signed certificate, that certificate itself.",
            HelpName = "path",
            DefaultValueFactory = _ => FromEnvironment("BARRIER_TLS_CA"),
        };
        Certificate.Validators.Add(result => FileMustExist(result, "--tls-cert"));
        TrustedCa.Validators.Add(result => FileMustExist(result, "--tls-ca"));
    }

    public Option<string?> Certificate { get; }

    public Option<string?> Password { get; }

    public Option<string?> TrustedCa { get; }

    public void AddTo(Command command)
    {
        command.Add(Certificate);
        command.Add(Password);
        command.Add(TrustedCa);
    }

    /// <summary>The TLS settings the options give, or <see langword="null"/> for plain TCP.</summary>
    /// <exception cref="ArgumentException">A password or CA file without a certificate.</exception>
    /// <remarks>
    /// Checked here rather than in a parse validator, which sees only what was typed, not what came from the environment.
    /// </remarks>
    public TlsSettings? GetSettings(ParseResult parseResult)
    {
        var certificate = parseResult.GetValue(Certificate);
        var password = parseResult.GetValue(Password);
        var trustedCa = parseResult.GetValue(TrustedCa);
        if (certificate is null && (password is not null || trustedCa is not null))
        {
            throw new ArgumentException(
                "--tls-password and --tls-ca (BARRIER_TLS_PASSWORD, BARRIER_TLS_CA) need --tls-cert (BARRIER_TLS_CERT): TLS here is mutual, so this side needs a certificate too.");
        }

        return certificate is null ? null : new TlsSettings(certificate, password, trustedCa);
    }

    private static void FileMustExist(OptionResult result, string name)
    {
        if (result.GetValueOrDefault<string?>() is { } path && !File.Exists(path))
        {
            result.AddError($"{name}: no file at '{path}'.");
        }
    }

    private static string? FromEnvironment(string variable)
        => Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
