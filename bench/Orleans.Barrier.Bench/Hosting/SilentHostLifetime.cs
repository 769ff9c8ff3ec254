using Microsoft.Extensions.Hosting;

namespace Orleans.Barrier.Bench.Hosting;

/// <summary>A host lifetime that neither grabs Ctrl+C nor prints "Application started": the bench stops its hosts itself.</summary>
internal sealed class SilentHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
