using Microsoft.Extensions.Hosting;

namespace Sprout.Server.Routing;

/// <summary>
/// The router lives inside another host (the server) that owns Ctrl+C and SIGTERM; it stops
/// when told to, not on its own console signals.
/// </summary>
internal sealed class DetachedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
