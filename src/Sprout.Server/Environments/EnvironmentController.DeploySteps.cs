using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Server.Metrics;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// What each deployment step does to the instances and the router. Every step is idempotent (it may run again after
/// a restart) and reports a failure as a value; instances a step names but that are gone are skipped.
/// </summary>
internal sealed partial class EnvironmentController
{
    private Task<StepFailure?> ExecuteStepAsync(EnvironmentRow row, DeploymentRun run, DeploymentStep step, DateTimeOffset firstStartedAt, CancellationToken cancellationToken) =>
        step switch
        {
            LaunchInstancesStep launch => LaunchForDeploymentAsync(row, run, launch, cancellationToken),
            WaitHealthyStep wait => WaitHealthyAsync(row, run.State, wait, firstStartedAt, cancellationToken),
            RegisterStep register => RegisterStepAsync(run.State, register.Refs, register.Group, cancellationToken),
            DeregisterStep deregister => DeregisterStepAsync(run.State, deregister, cancellationToken),
            DeployInPlaceStep deploy => DeployInPlaceAsync(row, run.State, deploy, cancellationToken),
            TerminateInstancesStep terminate => TerminateStepAsync(run.State, terminate, cancellationToken),
            ShiftTrafficStep shift => ShiftTrafficAsync(shift),
            EvaluateStep evaluate => EvaluateAsync(row, evaluate, cancellationToken),
            PromoteStep promote => PromoteAsync(run.State, promote, cancellationToken),
            PauseStep pause => PauseAsync(pause, cancellationToken),
            _ => Task.FromResult<StepFailure?>(new StepFailure(StepFailureKind.Internal, $"Sprout cannot run a {step.GetType().Name} step.")),
        };

    /// <summary>The live instances behind <paramref name="refs"/>, skipping placeholders not launched and instances gone.</summary>
    private List<InstanceRuntime> Resolve(DeploymentState state, IReadOnlyList<string> refs)
    {
        lock (_gate)
        {
            return [.. refs.Select(state.ResolveInstance).OfType<string>().Select(id => _instances.GetValueOrDefault(id)).OfType<InstanceRuntime>()];
        }
    }

    private async Task<StepFailure?> LaunchForDeploymentAsync(EnvironmentRow row, DeploymentRun run, LaunchInstancesStep step, CancellationToken cancellationToken)
    {
        var version = await _services.Store.GetVersionAsync(row.Application, step.VersionLabel, cancellationToken);
        if (version is not { Status: VersionStatus.Processed, SlugDirectory: not null, StartCommand: not null })
        {
            return new StepFailure(StepFailureKind.LaunchFailed, $"Application version {step.VersionLabel} has no build to run.");
        }

        var options = (await LoadLaunchSettingsAsync(row, step.ConfigGeneration, version.SlugDirectory, cancellationToken)).Options;
        // Ids are saved before anything starts, so an instance launched just before a crash is found again by its id.
        var toLaunch = new List<string>();
        foreach (var reference in step.Refs)
        {
            var id = run.State.ResolveInstance(reference);
            if (id is not null && Resolve(run.State, [reference]).Count == 1)
            {
                continue;
            }

            id = Identifiers.NewInstanceId();
            run.State = run.State.WithLaunchedInstance(reference, id);
            toLaunch.Add(id);
        }

        if (toLaunch.Count == 0)
        {
            return null;
        }

        await SaveDeploymentAsync(row, run.State, [], cancellationToken);
        try
        {
            await Task.WhenAll(toLaunch.Select(id => StartAsync(
                row,
                new InstanceRow
                {
                    Id = id,
                    EnvironmentId = Id,
                    VersionLabel = version.Label,
                    ConfigGeneration = step.ConfigGeneration ?? row.ConfigGeneration,
                    DeploymentId = row.DeploymentCount,
                    State = InstanceState.Pending,
                    HealthStatus = "Pending",
                    Launched = _services.Time.GetUtcNow(),
                    TargetGroup = null,
                },
                version,
                options,
                $"Added instance [{id}] to your environment (running {version.Label}, not receiving traffic yet).",
                cancellationToken)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new StepFailure(StepFailureKind.LaunchFailed, $"Instances could not be started: {e.Message}", toLaunch);
        }

        return null;
    }

    /// <summary>Every instance passes its active health checks, within the timeout counted from the step's first start.</summary>
    private async Task<StepFailure?> WaitHealthyAsync(EnvironmentRow row, DeploymentState state, WaitHealthyStep step, DateTimeOffset firstStartedAt, CancellationToken cancellationToken)
    {
        var deadline = firstStartedAt + step.Timeout;
        while (true)
        {
            var change = NextInstanceChange;
            var ids = step.Refs.Select(state.ResolveInstance).ToList();
            var instances = Resolve(state, step.Refs);
            if (instances.Count < ids.Count)
            {
                return new StepFailure(StepFailureKind.LaunchFailed, $"{ids.Count - instances.Count} instance(s) to wait for no longer exist.");
            }

            var waiting = instances.Where(i => i.State != InstanceState.InService).ToList();
            if (waiting.Count == 0)
            {
                await Task.WhenAll(instances.Select(i => i.RecordedAsync(cancellationToken)));
                return null;
            }

            if (_services.Time.GetUtcNow() > deadline)
            {
                var causes = string.Join("; ", waiting.Select(i => $"{i.Id}: {i.HealthView.Cause ?? "not in service yet"}"));
                if (step.IgnoreHealthCheck)
                {
                    await _services.Store.AppendEventAsync(Event(row, EventSeverity.WARN,
                        $"{waiting.Count} instance(s) did not pass their health checks within {step.Timeout.TotalSeconds:0} s; carrying on (IgnoreHealthCheck). {causes}"), cancellationToken);
                    return null;
                }

                return new StepFailure(StepFailureKind.HealthCheckFailed,
                    $"{waiting.Count} of {instances.Count} instance(s) did not pass their health checks within the command timeout ({step.Timeout.TotalSeconds:0} s). {causes}",
                    [.. waiting.Select(i => i.Id)]);
            }

            await WaitForInstanceChangeAsync(change, cancellationToken);
        }
    }

    private async Task<StepFailure?> RegisterStepAsync(DeploymentState state, IReadOnlyList<string> refs, string group, CancellationToken cancellationToken)
    {
        foreach (var instance in Resolve(state, refs))
        {
            await RegisterAsync(instance, group, cancellationToken);
        }

        PublishRoutes();
        return null;
    }

    private async Task<StepFailure?> DeregisterStepAsync(DeploymentState state, DeregisterStep step, CancellationToken cancellationToken)
    {
        var instances = Resolve(state, step.Refs);
        foreach (var instance in instances)
        {
            await DeregisterAsync(instance, cancellationToken);
        }

        PublishRoutes();
        await Task.WhenAll(instances.Select(i => DrainAsync(i.Id, cancellationToken, step.DrainTimeout)));
        return null;
    }

    /// <summary>The existing in-place replacement, on instances the plan took out of the router first.</summary>
    private async Task<StepFailure?> DeployInPlaceAsync(EnvironmentRow row, DeploymentState state, DeployInPlaceStep step, CancellationToken cancellationToken)
    {
        var version = await _services.Store.GetVersionAsync(row.Application, step.VersionLabel, cancellationToken);
        if (version is not { Status: VersionStatus.Processed, SlugDirectory: not null, StartCommand: not null })
        {
            return new StepFailure(StepFailureKind.CommandFailed, $"Application version {step.VersionLabel} has no build to run.");
        }

        var options = (await _services.Settings.LoadAsync(Id, version.SlugDirectory, cancellationToken)).Options;
        var stale = Resolve(state, step.Refs).Where(i => i.Row.VersionLabel != step.VersionLabel || i.State == InstanceState.Draining).ToList();
        try
        {
            await Task.WhenAll(stale.Select(i => ReplaceInPlaceAsync(row, i, version, options, cancellationToken)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new StepFailure(StepFailureKind.CommandFailed, $"The new version could not be started: {e.Message}", [.. stale.Select(i => i.Id)]);
        }

        return null;
    }

    private async Task<StepFailure?> TerminateStepAsync(DeploymentState state, TerminateInstancesStep step, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Resolve(state, step.Refs).Select(async instance =>
        {
            await instance.TerminateAsync(StopGrace, $"Removed instance [{instance.Id}] from your environment.", cancellationToken);
            Forget(instance.Id);
            await instance.DisposeAsync();
            lock (_gate)
            {
                _instances.Remove(instance.Id);
            }
        }));
        SignalRefresh();
        return null;
    }

    private Task<StepFailure?> ShiftTrafficAsync(ShiftTrafficStep step)
    {
        SetGroupWeights(step.Weights);
        PublishRoutes();
        return Task.FromResult<StepFailure?>(null);
    }

    /// <summary>
    /// Watches the group for the whole window (a resumed evaluation starts again); with analysis, compares the
    /// router's metrics for the two groups over the window. An inconclusive verdict lets the deployment go on.
    /// </summary>
    private async Task<StepFailure?> EvaluateAsync(EnvironmentRow row, EvaluateStep step, CancellationToken cancellationToken)
    {
        var end = _services.Time.GetUtcNow() + step.Duration;
        while (_services.Time.GetUtcNow() < end)
        {
            var unhealthy = Instances.Where(i => i.Row.TargetGroup == step.Group && i.State == InstanceState.Unhealthy).ToList();
            if (unhealthy.Count > 0)
            {
                return new StepFailure(StepFailureKind.HealthCheckFailed,
                    $"Instance(s) of the new version failed their health checks while being evaluated: {string.Join("; ", unhealthy.Select(i => $"{i.Id}: {i.HealthView.Cause}"))}",
                    [.. unhealthy.Select(i => i.Id)]);
            }

            var left = end - _services.Time.GetUtcNow();
            await Task.Delay(left < PollInterval ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : PollInterval, _services.Time, cancellationToken);
        }

        if (step.Analysis is null)
        {
            return null;
        }

        var window = step.Duration > RouterMetrics.MaxWindow ? RouterMetrics.MaxWindow : step.Duration;
        var verdict = CanaryAnalysis.Compare(GroupMetrics(step.BaselineGroup, window), GroupMetrics(step.Group, window), step.Analysis);
        var reasons = string.Join(" ", verdict.Reasons);
        switch (verdict.Result)
        {
            case CanaryResult.Fail:
                return new StepFailure(StepFailureKind.CanaryRegressed, $"Canary analysis failed: {reasons}");
            case CanaryResult.Inconclusive:
                await _services.Store.AppendEventAsync(Event(row, EventSeverity.WARN, $"Canary analysis was inconclusive; carrying on. {reasons}"), cancellationToken);
                return null;
            default:
                await _services.Store.AppendEventAsync(Event(row, EventSeverity.INFO, $"Canary analysis passed. {reasons}"), cancellationToken);
                return null;
        }
    }

    private RequestMetrics GroupMetrics(string group, TimeSpan window)
    {
        var snapshot = _services.Metrics.SnapshotGroup(Name, group, window < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : window);
        return new RequestMetrics(snapshot.RequestCount, snapshot.Status5xx, TimeSpan.FromSeconds(snapshot.Latency?.P99 ?? 0));
    }

    /// <summary>The new instances become permanent members of the group, which then takes all the traffic (one publish).</summary>
    private async Task<StepFailure?> PromoteAsync(DeploymentState state, PromoteStep step, CancellationToken cancellationToken)
    {
        foreach (var instance in Resolve(state, step.Refs))
        {
            await RegisterAsync(instance, step.Group, cancellationToken);
        }

        SetGroupWeights([new GroupWeight(step.Group, 100)]);
        PublishRoutes();
        return null;
    }

    private async Task<StepFailure?> PauseAsync(PauseStep step, CancellationToken cancellationToken)
    {
        await Task.Delay(step.Duration, _services.Time, cancellationToken);
        return null;
    }
}
