using System.Globalization;
using StackExchange.Redis;

namespace Orleans.Barrier.Connectivity;

/// <summary>
/// The Redis a cluster meets in: silos register there (membership) and keep barrier state there; clients read the
/// membership to find gateways. Parsed from <c>host:port</c> or a StackExchange.Redis configuration string.
/// </summary>
internal sealed class RedisSettings
{
    /// <summary>
    /// How long a first connection may take before it counts as failed. StackExchange.Redis gives up after its own
    /// connect timeout; this bounds the whole attempt, whatever the configuration string says.
    /// </summary>
    public static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(10);

    // Shorter than StackExchange.Redis's 5 s default with its 3 retries: a wrong address should fail in seconds.
    private const int DefaultConnectTimeoutMilliseconds = 3000;

    private readonly ConfigurationOptions _options;

    private RedisSettings(ConfigurationOptions options)
    {
        _options = options;
        Description = string.Join(",", options.EndPoints.Select(FormatEndPoint));
    }

    /// <summary>The Redis endpoints, for messages; never the password.</summary>
    public string Description { get; }

    /// <summary>
    /// Reads <c>host:port</c> (port 6379 if left out) or a configuration string such as
    /// <c>redis1:6379,redis2:6379,password=secret,ssl=true</c>. Nothing is dialled yet.
    /// </summary>
    public static bool TryParse(string text, out RedisSettings? settings, out string? error)
    {
        settings = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the Redis address is empty; expected host:port, e.g. 127.0.0.1:6379.";
            return false;
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text.Trim());
        }
        catch (ArgumentException exception)
        {
            error = $"'{text}' is not a Redis address or configuration string: {OneLine(exception.Message)}";
            return false;
        }

        options.SetDefaultPorts();
        if (options.EndPoints.Count == 0)
        {
            error = $"'{text}' names no Redis endpoint; expected host:port, e.g. 127.0.0.1:6379.";
            return false;
        }

        // Fail the first connection rather than retry forever in the background: a silo or command must say
        // that Redis is not there, not hang. Once connected, the multiplexer reconnects by itself.
        options.AbortOnConnectFail = true;
        if (!text.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = DefaultConnectTimeoutMilliseconds;
        }

        if (!text.Contains("connectRetry", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectRetry = 1;
        }

        settings = new RedisSettings(options);
        error = null;
        return true;
    }

    /// <summary>
    /// Connects and checks that Redis answers (a PING), within <see cref="ConnectBound"/>. The caller owns the
    /// connection and shares it with the Orleans providers, so a process holds one connection to Redis.
    /// </summary>
    /// <exception cref="RedisUnreachableException">Redis did not answer in time, refused, or refused the credentials.</exception>
    public async Task<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        var connecting = ConnectionMultiplexer.ConnectAsync(_options.Clone());
        try
        {
            var connection = await connecting.WaitAsync(ConnectBound, cancellationToken);
            try
            {
                await connection.GetDatabase().PingAsync().WaitAsync(ConnectBound, cancellationToken);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // A connection that completes after the bound is nobody's: close it when it comes.
            _ = connecting.ContinueWith(
                static task => task.Result.Dispose(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
            throw new RedisUnreachableException($"could not connect to Redis at {Description}: {Reason(exception)}", exception);
        }
    }

    /// <summary>The options for an Orleans provider; each gets its own copy, as they may change them.</summary>
    public ConfigurationOptions CreateOptions() => _options.Clone();

    /// <inheritdoc />
    public override string ToString() => Description;

    private static string Reason(Exception exception) => exception switch
    {
        TimeoutException => string.Create(CultureInfo.InvariantCulture, $"no answer within {ConnectBound.TotalSeconds:0}s"),
        RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } =>
            "authentication failed; check the password (or user) in the configuration string",
        // StackExchange.Redis says only "UnableToConnect" for a refused port, an unknown host and a server that is not Redis alike.
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect, InnerException: null } =>
            "no Redis server answered there; is redis-server running, and are host and port right?",
        RedisConnectionException connection when connection.InnerException is { } inner =>
            $"{connection.FailureType}: {OneLine(inner.Message)}",
        RedisConnectionException connection => $"{connection.FailureType}",
        _ => OneLine(exception.Message),
    };

    private static string FormatEndPoint(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        _ => endPoint.ToString() ?? "?",
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
