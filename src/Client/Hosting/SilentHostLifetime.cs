using Microsoft.Extensions.Hosting;

namespace Orleans.Barrier.Client.Hosting;

/// <summary>
/// A host lifetime that leaves Ctrl+C alone. The command line owns Ctrl+C: it cancels the running command, which
/// then stops its hosts itself. The default console lifetime would also grab the signal and stop the host under the
/// command's feet, and print "Application started" lines into the output.
/// </summary>
internal sealed class SilentHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
