using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

internal sealed partial class EnvironmentController
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Brings the instances to the desired version, configuration and count, all at once, then
    /// waits until every instance is in service or the command timeout passes. Every step is
    /// idempotent, so a resumed operation simply converges again from wherever it stopped.
    /// </summary>
    private async Task<ConvergeResult> ConvergeAsync(EnvironmentRow row, CancellationToken cancellationToken)
    {
        if (row.VersionLabel is null)
        {
            return ConvergeResult.Failure("The environment has no application version to run.");
        }

        var started = _services.Time.GetUtcNow();
        var version = await WaitForBuildAsync(row, started + TimeSpan.FromMinutes(30), cancellationToken);
        if (version is null || version.Status != VersionStatus.Processed)
        {
            return ConvergeResult.Failure(version is null
                ? $"Application version {row.VersionLabel} does not exist."
                : $"Application version {row.VersionLabel} failed to build, so it cannot be deployed. See `sprout versions` and its build log.");
        }

        var settings = await _services.Settings.LoadAsync(Id, version.SlugDirectory, cancellationToken);
        foreach (var warning in settings.Warnings)
        {
            await _services.Store.AppendEventAsync(Event(row, EventSeverity.WARN, warning), cancellationToken);
        }

        if (settings.Errors.Count > 0)
        {
            return ConvergeResult.Failure("The bundle's .ebextensions option settings are invalid: " + string.Join(" ", settings.Errors));
        }

        ApplySettings(settings.Options);
        await RegisterAllInMainAsync(cancellationToken);
        var deadline = started + settings.Options.CommandTimeout;

        var stale = Instances.Where(i => i.Row.VersionLabel != row.VersionLabel || i.Row.ConfigGeneration != row.ConfigGeneration).ToList();
        if (stale.Count > 0)
        {
            var versionChanged = stale.Any(i => i.Row.VersionLabel != row.VersionLabel);
            await _services.Store.AppendEventAsync(
                Event(row, EventSeverity.INFO, versionChanged
                    ? $"Deploying new version to instance(s): {string.Join(", ", stale.Select(i => i.Id))} (all at once)."
                    : $"Updating environment configuration on instance(s): {string.Join(", ", stale.Select(i => i.Id))} (all at once)."),
                cancellationToken);
            await Task.WhenAll(stale.Select(i => ReplaceInPlaceAsync(row, i, version, settings.Options, cancellationToken)));
        }

        var missing = row.DesiredCapacity - Instances.Count;
        if (missing > 0)
        {
            await Task.WhenAll(Enumerable.Range(0, missing).Select(_ => LaunchNewAsync(row, version, settings.Options, cancellationToken)));
        }

        var extra = Instances.OrderByDescending(i => i.Row.Launched).Take(Math.Max(0, Instances.Count - row.DesiredCapacity)).ToList();
        if (extra.Count > 0)
        {
            await Task.WhenAll(extra.Select(i => RemoveAsync(i, $"Removed instance [{i.Id}] from your environment (scaled in).", cancellationToken)));
        }

        return await WaitForInServiceAsync(row, deadline, cancellationToken);
    }

    /// <summary>An instance gone for good leaves the router's counters and metrics.</summary>
    private void Forget(string instanceId)
    {
        _services.Targets.Forget(instanceId);
        _services.Metrics.Forget(instanceId);
    }

    /// <summary>Waits for the instance's in-flight requests, up to <paramref name="delay"/> (default: the environment's deregistration delay).</summary>
    private async Task DrainAsync(string instanceId, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        var drainFor = delay ?? _deregistrationDelay;
        // A request that read the previous route table a moment ago may not be counted yet: picking a target and
        // counting it in flight happen in one synchronous stretch of the request path, so microseconds; 25 ms is ample.
        var settle = TimeSpan.FromMilliseconds(Math.Min(25, drainFor.TotalMilliseconds));
        var deadline = _services.Time.GetUtcNow() + drainFor;
        await Task.Delay(settle, _services.Time, cancellationToken);
        // A separate router's requests are invisible here: while one follows the table, wait the whole delay.
        while ((_services.RemoteRouters.HasActiveFollowers || _services.Targets.InFlightOf(instanceId) > 0) && _services.Time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _services.Time, cancellationToken);
        }

        // What is still open now is long-lived (WebSockets, streams): the delay is over, close it.
        _services.Targets.CloseConnections(instanceId);
    }

    private async Task<VersionRow?> WaitForBuildAsync(EnvironmentRow row, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var announced = false;
        while (true)
        {
            var version = await _services.Store.GetVersionAsync(row.Application, row.VersionLabel!, cancellationToken);
            if (version is null || version.Status != VersionStatus.Processing || _services.Time.GetUtcNow() > deadline)
            {
                return version;
            }

            if (!announced)
            {
                await _services.Store.AppendEventAsync(Event(row, EventSeverity.INFO, $"Waiting for application version {row.VersionLabel} to finish building."), cancellationToken);
                announced = true;
            }

            await Task.Delay(PollInterval, _services.Time, cancellationToken);
        }
    }

    private async Task<ConvergeResult> WaitForInServiceAsync(EnvironmentRow row, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var change = NextInstanceChange;
            var instances = Instances;
            if (instances.Count >= row.DesiredCapacity && instances.All(i => i.State == InstanceState.InService))
            {
                await Task.WhenAll(instances.Select(i => i.RecordedAsync(cancellationToken)));
                return ConvergeResult.Success;
            }

            if (_services.Time.GetUtcNow() > deadline)
            {
                var causes = instances.Where(i => i.State != InstanceState.InService)
                    .Select(i => $"{i.Id}: {i.HealthView.Cause ?? "not in service yet"}");
                return ConvergeResult.Failure(
                    $"{instances.Count(i => i.State != InstanceState.InService)} of {instances.Count} instance(s) did not pass their health check " +
                    $"within the command timeout (aws:elasticbeanstalk:command Timeout). {string.Join("; ", causes)}");
            }

            await WaitForInstanceChangeAsync(change, cancellationToken);
        }
    }

    private async Task LaunchNewAsync(EnvironmentRow row, VersionRow version, EffectiveOptions options, CancellationToken cancellationToken)
    {
        var id = Identifiers.NewInstanceId();
        var instance = new InstanceRow
        {
            Id = id,
            EnvironmentId = Id,
            VersionLabel = version.Label,
            ConfigGeneration = row.ConfigGeneration,
            DeploymentId = row.DeploymentCount,
            State = InstanceState.Pending,
            HealthStatus = "Pending",
            Launched = _services.Time.GetUtcNow(),
            TargetGroup = DeploymentGroups.Main,
        };
        await StartAsync(row, instance, version, options, $"Added instance [{id}] to your environment.", cancellationToken);
    }

    /// <summary>All-at-once deployment keeps the instance and its id, and swaps what runs on it (as Beanstalk does on EC2).</summary>
    private async Task ReplaceInPlaceAsync(EnvironmentRow row, InstanceRuntime old, VersionRow version, EffectiveOptions options, CancellationToken cancellationToken)
    {
        await old.StopForReplacementAsync(StopGrace, $"Stopped the application on instance [{old.Id}] to deploy {version.Label}.", instance =>
        {
            instance.VersionLabel = version.Label;
            instance.ConfigGeneration = row.ConfigGeneration;
            instance.DeploymentId = row.DeploymentCount;
            instance.State = InstanceState.Pending;
            instance.HealthStatus = "Pending";
            instance.Causes = "";
            instance.Terminated = null;
            instance.Restarts = 0;
        }, cancellationToken);
        await old.DisposeAsync();
        lock (_gate)
        {
            _instances.Remove(old.Id);
        }

        await StartAsync(row, old.Row, version, options, null, cancellationToken);
    }

    private async Task StartAsync(EnvironmentRow row, InstanceRow instance, VersionRow version, EffectiveOptions options, string? launchMessage, CancellationToken cancellationToken)
    {
        var used = await _services.Store.ListUsedPortsAsync(cancellationToken);
        var port = _services.Ports.Allocate(used.Where(p => p != instance.Port).ToList());
        try
        {
            instance.Port = port;
            if (launchMessage is not null)
            {
                await _services.Store.InsertInstanceAsync(instance, Event(row, EventSeverity.INFO, launchMessage), cancellationToken);
            }
            else
            {
                await _services.Store.UpdateInstanceAsync(instance, null, cancellationToken);
            }
        }
        finally
        {
            _services.Ports.Release(port);
        }

        var spec = LaunchSpec(row, instance.Id, port, version, options);
        InstanceRuntime runtime;
        try
        {
            runtime = await InstanceRuntime.LaunchAsync(_services, instance, spec, _healthSettings!, Application, Name, SignalRefresh, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No process to supervise: the row must not linger as a live instance holding its port.
            instance.State = InstanceState.Terminated;
            instance.Terminated = _services.Time.GetUtcNow();
            await _services.Store.UpdateInstanceAsync(instance, Event(row, EventSeverity.ERROR, $"Instance {instance.Id} could not be started: {e.Message}"), CancellationToken.None);
            throw;
        }

        lock (_gate)
        {
            _instances[instance.Id] = runtime;
        }

        SignalRefresh();
    }

    /// <summary>
    /// Scale-in and replacement: out of the router first, then the process stops once its
    /// in-flight requests have finished, or when the deregistration delay runs out.
    /// </summary>
    private async Task RemoveAsync(InstanceRuntime instance, string reason, CancellationToken cancellationToken)
    {
        instance.Deregister();
        PublishRoutes();
        await DrainAsync(instance.Id, cancellationToken);
        await instance.TerminateAsync(StopGrace, reason, cancellationToken);
        Forget(instance.Id);
        await instance.DisposeAsync();
        lock (_gate)
        {
            _instances.Remove(instance.Id);
        }

        SignalRefresh();
    }
}
