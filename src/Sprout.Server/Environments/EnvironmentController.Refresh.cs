using Microsoft.Extensions.Logging;
using Sprout.Core.Health;
using Sprout.Core.Model;
using Sprout.Server.Routing;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

internal sealed partial class EnvironmentController
{
    private TaskCompletionSource _instanceChange = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change of any instance (state, health, process); take it before reading the instances.</summary>
    private Task NextInstanceChange => Volatile.Read(ref _instanceChange).Task;

    private void SignalRefresh()
    {
        _refreshSignal.Release();
        Interlocked.Exchange(ref _instanceChange, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="change"/> completes or <see cref="PollInterval"/> passes, whichever is first: a step
    /// waiting on instances moves on the moment one passes its checks, and still looks again now and then for
    /// conditions no instance signals (deadlines).
    /// </summary>
    private async Task WaitForInstanceChangeAsync(Task change, CancellationToken cancellationToken)
    {
        try
        {
            await change.WaitAsync(PollInterval, _services.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing changed within the interval; the caller looks again.
        }
    }

    /// <summary>Keeps the router table and the health colour in step with the instances, coalescing bursts of changes.</summary>
    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _refreshSignal.WaitAsync(cancellationToken);
                while (_refreshSignal.CurrentCount > 0)
                {
                    await _refreshSignal.WaitAsync(cancellationToken);
                }

                PublishRoutes();
                await RecordHealthAsync(cancellationToken);
                ReplaceUnhealthyInBackground();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Refreshing {Environment} failed", Name);
            }
        }
    }

    private void PublishRoutes()
    {
        lock (_routesGate)
        {
            // Computed inside the lock: publishes are serialised and each reflects the states at its
            // moment, so a slow refresh can never re-add an instance that a drain took out.
            if (ComposeRoute() is { } route)
            {
                _services.Routes.SetEnvironment(route);
                NotifyShiftWatcher();
            }
        }
    }

    /// <summary>The route as it stands; null once retired (terminated), so a late refresh never brings it back. Call under <see cref="_routesGate"/>.</summary>
    private EnvironmentRoute? ComposeRoute()
    {
        if (_routesRetired)
        {
            return null;
        }

        // An instance gets traffic only when it passes its health checks AND is registered in a group:
        // a deployment launches instances that stay out until its Register step.
        var serving = Instances
            .Where(i => i.State == InstanceState.InService && i.Row.TargetGroup is not null)
            .Select(i => (Group: i.Row.TargetGroup!, Target: new RouteTarget(i.Id, "127.0.0.1", i.Row.Port)))
            .ToList();
        var weights = _groupWeights;
        var groups = weights.Select(w => w.Group)
            .Concat(serving.Select(s => s.Group))
            .Distinct(StringComparer.Ordinal)
            .Select(name => new TargetGroup(
                name,
                weights.FirstOrDefault(w => w.Group == name)?.Weight ?? 0,
                serving.Where(s => s.Group == name).Select(s => s.Target).ToList()))
            .ToList();
        return new EnvironmentRoute(Name, [_services.HostnameOf(Cname), .. _extraHostnames], [.. groups, .. ShiftedGroups()]) with { Policy = _routePolicy };
    }

    /// <summary>
    /// Takes the CNAMEs the store now records for two environments and publishes both routes in one
    /// table publish, so no request sees either hostname unrouted or routed to both (a swap).
    /// </summary>
    public static void SwapCnames(EnvironmentController first, string firstCname, EnvironmentController second, string secondCname)
    {
        var (a, b) = string.CompareOrdinal(first.Id, second.Id) < 0 ? (first, second) : (second, first);
        lock (a._routesGate)
        {
            lock (b._routesGate)
            {
                Volatile.Write(ref first._cname, firstCname);
                Volatile.Write(ref second._cname, secondCname);
                var routes = new[] { first.ComposeRoute(), second.ComposeRoute() }.OfType<EnvironmentRoute>().ToList();
                first._services.Routes.SetEnvironments(routes);
            }
        }
    }

    private void RetireRoutes()
    {
        lock (_routesGate)
        {
            _routesRetired = true;
            _services.Routes.RemoveEnvironment(Name);
        }
    }
}
