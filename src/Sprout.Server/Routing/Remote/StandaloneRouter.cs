using Microsoft.Extensions.Logging;

namespace Sprout.Server.Routing.Remote;

/// <summary>
/// <c>sprout router</c>: a router in its own process that serves the control plane's routing table,
/// followed over the network, and keeps serving the last one it had while the control plane is away.
/// </summary>
public static class StandaloneRouter
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires, then drains; returns the process exit code.</summary>
    public static async Task<int> RunAsync(StandaloneRouterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        InlineSocketCompletions.EnableBeforeFirstSocket();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSproutConsole());
        var logger = loggerFactory.CreateLogger("Sprout.Server.Routing.Remote.StandaloneRouter");

        var table = new RouteTable();
        using var follower = new RouteTableFollower(options.Follower, table, loggerFactory.CreateLogger<RouteTableFollower>());
        using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = follower.RunAsync(following.Token);
        try
        {
            await WaitForFirstTableAsync(follower, options.FirstTableTimeout, logger, cancellationToken);
            await using var router = await RouterHost.StartAsync(options.Router, table, loggerFactory, cancellationToken);
            logger.LogInformation("Sprout router on http://*.{Domain}:{Port} (listening on {Address}), following {ControlPlane}",
                options.Router.Domain, router.Port, options.Router.Address, options.Follower.ControlPlane);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            // Keep following while draining: a request in flight may still need its instance's route.
            using var drain = new CancellationTokenSource(options.DrainTimeout);
            await router.StopAsync(drain.Token);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (IOException e)
        {
            // Kestrel reports an address in use or not available this way.
            logger.LogError("sprout router could not listen on {Address}:{Port}: {Message}", options.Router.Address, options.Router.Port, e.Message);
            return 1;
        }
        finally
        {
            await following.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task WaitForFirstTableAsync(RouteTableFollower follower, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await follower.FirstTableApplied.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("No routing table from the control plane within {Timeout}; listening with an empty one until it arrives", timeout);
        }
    }
}
