namespace Orleans.Barrier.Tests;

/// <summary>
/// The one <see cref="RedisServer"/> of this test run, started by the first cluster that keeps barriers in Redis and
/// shared by all of them (each cluster has its own service id, so their keys never meet); stopped when the run ends.
/// </summary>
internal static class TestRedisServer
{
    private static readonly Lazy<Task<RedisServer>> Server = new(StartAsync);

    /// <summary>The server, started on first use.</summary>
    public static Task<RedisServer> GetAsync() => Server.Value;

    /// <summary>
    /// The server for the silos' configurators, which cannot await: whoever deploys the cluster awaits
    /// <see cref="GetAsync"/> first.
    /// </summary>
    public static RedisServer Started
        => Server.IsValueCreated && Server.Value.IsCompletedSuccessfully
            ? Server.Value.Result
            : throw new InvalidOperationException("The test Redis server is not running; deploy through BarrierStorage.DeployAsync.");

    private static async Task<RedisServer> StartAsync()
    {
        var server = await RedisServer.StartAsync();

        // xunit has no hook after the last test of a run; the server is this process's child, so stop it on the way out.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return server;
    }
}
