using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// Deployments (<see cref="OperationKind.Deploy"/>) run through the planner: the plan's steps execute one at a time,
/// and the <see cref="DeploymentState"/> is saved after every transition, so a restarted server continues from
/// <see cref="DeploymentCursor.NextAction"/> (docs/deployments.md, "Driving a deployment").
/// </summary>
internal sealed partial class EnvironmentController
{
    private DeploymentSnapshot? _lastDeployment;

    private async Task RunDeploymentAsync(EnvironmentRow row, CancellationToken cancellationToken)
    {
        var saved = await _services.Store.GetDeploymentAsync(Id, cancellationToken);
        DeploymentState state;
        if (saved is null)
        {
            var previousVersion = Instances.Select(i => i.Row.VersionLabel).FirstOrDefault(v => v != row.VersionLabel);
            var (planned, failure) = await PlanDeploymentAsync(row, cancellationToken);
            if (planned is null)
            {
                await FinishAsync(row, ConvergeResult.Failure(failure!), previousVersion, cancellationToken);
                return;
            }

            state = planned;
            await SaveDeploymentAsync(row, state, state.StartEvents, cancellationToken);
        }
        else
        {
            state = DeploymentJson.Deserialize(saved.StateJson);
            SetGroupWeights(DeploymentWeights(saved));
            await ApplyTargetSettingsAsync(row, state.Plan.TargetVersionLabel, cancellationToken);
        }

        var run = new DeploymentRun(state) { DeploymentId = row.DeploymentCount };
        Volatile.Write(ref _deployment, run);
        try
        {
            await RunDeploymentStepsAsync(row, run, cancellationToken);
        }
        finally
        {
            if (DeploymentCursor.NextAction(run.State) is FinishedAction)
            {
                Volatile.Write(ref _lastDeployment, new DeploymentSnapshot(run.State, run.DeploymentId, _services.Time.GetUtcNow()));
            }

            Volatile.Write(ref _deployment, null);
        }

        var outcome = ((FinishedAction)DeploymentCursor.NextAction(run.State)).Outcome;
        await FinishDeploymentAsync(row, outcome, cancellationToken);
    }

    /// <summary>The deployment running now, else the last one this server process finished; null when neither.</summary>
    public DeploymentSnapshot? LatestDeployment =>
        Volatile.Read(ref _deployment) is { } running
            ? new DeploymentSnapshot(running.State, running.DeploymentId, FinishedAt: null)
            : Volatile.Read(ref _lastDeployment);

    /// <summary>The route's target group weights as last set.</summary>
    public IReadOnlyList<GroupWeight> GroupWeights
    {
        get
        {
            lock (_routesGate)
            {
                return _groupWeights;
            }
        }
    }

    /// <summary>
    /// AbortEnvironmentUpdate: stops the step in progress and runs the policy's recovery, so the environment returns
    /// to its last good state. Null when accepted, else why not (nothing to abort, or already past the point of no return).
    /// </summary>
    public string? RequestAbort()
    {
        var run = Volatile.Read(ref _deployment);
        if (run is null)
        {
            // The destination of a CNAME shift: the shift runs on its source, so the abort goes there.
            return Volatile.Read(ref _shiftWatcher) is { } source
                ? source.RequestAbort()
                : $"Environment {Name} has no deployment in progress to abort.";
        }

        lock (run)
        {
            if (!run.State.CanAbort)
            {
                return $"The deployment on {Name} can no longer be aborted: it is rolling back or already removing the old instances.";
            }

            run.AbortRequested = true;
            run.CancelStep();
        }

        return null;
    }

    private Task RunDeploymentStepsAsync(EnvironmentRow row, DeploymentRun run, CancellationToken cancellationToken)
        => RunPlannedStepsAsync(
            run,
            "deployment",
            (step, firstStartedAt, token) => ExecuteStepAsync(row, run, step, firstStartedAt, token),
            (state, events, token) => SaveDeploymentAsync(row, state, events, token),
            cancellationToken);

    /// <summary>The plan for a new deployment, or why there is none (the version did not build, invalid settings, unsupported policy).</summary>
    private async Task<(DeploymentState? State, string? Failure)> PlanDeploymentAsync(EnvironmentRow row, CancellationToken cancellationToken)
    {
        if (row.VersionLabel is null)
        {
            return (null, "The environment has no application version to run.");
        }

        var version = await WaitForBuildAsync(row, _services.Time.GetUtcNow() + TimeSpan.FromMinutes(30), cancellationToken);
        if (version is null || version.Status != VersionStatus.Processed)
        {
            return (null, version is null
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
            return (null, "The bundle's .ebextensions option settings are invalid: " + string.Join(" ", settings.Errors));
        }

        ApplySettings(settings.Options);
        var policy = DeploymentPolicyOptions.FromOptions(settings.Options);
        if (DeploymentPlanner.CheckSupported(policy.Policy, row.EnvironmentType) is { } unsupported)
        {
            return (null, unsupported);
        }

        var instances = Instances
            .Where(i => i.State != InstanceState.Terminated)
            .OrderBy(i => i.Row.Launched)
            .Select(i => new InstanceSnapshot(i.Id, i.Row.VersionLabel, i.State == InstanceState.InService && i.Row.TargetGroup is not null, i.Row.ConfigGeneration))
            .ToList();
        var plan = DeploymentPlanner.Plan(new DeploymentRequest(row.VersionLabel, instances, row.DesiredCapacity)
        {
            Options = policy,
            DeregistrationDelay = settings.Options.DeregistrationDelay,
            ConfigGeneration = row.ConfigGeneration,
        });
        return (DeploymentState.Start(plan), null);
    }

    /// <summary>After a restart: health checks, drain delay and route policy of the version being deployed.</summary>
    private async Task ApplyTargetSettingsAsync(EnvironmentRow row, string versionLabel, CancellationToken cancellationToken)
    {
        var version = await _services.Store.GetVersionAsync(row.Application, versionLabel, cancellationToken);
        if (version?.SlugDirectory is not null)
        {
            ApplySettings((await _services.Settings.LoadAsync(Id, version.SlugDirectory, cancellationToken)).Options);
        }
    }

    private Task SaveDeploymentAsync(EnvironmentRow row, DeploymentState state, IReadOnlyList<DeploymentEvent> events, CancellationToken cancellationToken)
    {
        IReadOnlyList<GroupWeight> weights;
        lock (_routesGate)
        {
            weights = _groupWeights;
        }

        return _services.Store.SaveDeploymentAsync(
            Id,
            DeploymentJson.Serialize(state),
            JsonSerializer.Serialize(weights, DeploymentJson.Options),
            [.. events.Select(e => Event(row, e.Severity, e.Message))],
            cancellationToken);
    }

    private static IReadOnlyList<GroupWeight> DeploymentWeights(DeploymentRow saved) =>
        JsonSerializer.Deserialize<List<GroupWeight>>(saved.WeightsJson, DeploymentJson.Options) is { Count: > 0 } weights ? weights : MainOnly;

    /// <summary>
    /// Ready again on <see cref="DeploymentOutcome.EnvironmentVersionLabel"/>, with Beanstalk's closing events
    /// ("Failed to deploy application." for anything but success, which the CLI turns into a non-zero exit).
    /// </summary>
    private async Task FinishDeploymentAsync(EnvironmentRow row, DeploymentOutcome outcome, CancellationToken cancellationToken)
    {
        var succeeded = outcome.Result == DeploymentResult.Succeeded;
        var events = new List<EventDraft>();
        if (!succeeded || outcome.RecommendedAction is not null)
        {
            events.Add(Event(row, succeeded ? EventSeverity.WARN : EventSeverity.ERROR, outcome.Message));
        }

        if (outcome.RecommendedAction is not null)
        {
            events.Add(Event(row, EventSeverity.WARN, outcome.RecommendedAction));
        }

        events.AddRange(ClosingEvents(row, succeeded));
        if (outcome.EnvironmentVersionLabel is { } label)
        {
            // Later replacements of unhealthy instances run the environment's version, with its health checks.
            await ApplyTargetSettingsAsync(row, label, cancellationToken);
        }

        if (outcome.EnvironmentVersionLabel is { } environmentVersion && environmentVersion != row.VersionLabel)
        {
            await _services.Store.SetVersionAsync(Id, environmentVersion, cancellationToken);
            events.Add(Event(row, EventSeverity.WARN, $"The environment's version was set back to {environmentVersion}, its last successful deployment."));
        }

        await EndOperationAsync(events, cancellationToken);
    }

    /// <summary>The state of the deployment being run; launch steps record their instances in it as they go.</summary>
    private sealed class DeploymentRun(DeploymentState state)
    {
        private CancellationTokenSource? _step;

        public DeploymentState State { get; set; } = state;

        /// <summary>The environment's deployment counter when this deployment started (Beanstalk's DeploymentId).</summary>
        public long DeploymentId { get; init; }

        public bool AbortRequested { get; set; }

        private bool _stepWaits;

        /// <summary>The step's own cancellation, which an abort fires; disposed with the step.</summary>
        public CancellationTokenSource BeginStep(DeploymentStep step, CancellationToken operation)
        {
            lock (this)
            {
                _step = CancellationTokenSource.CreateLinkedTokenSource(operation);
                // Only steps that wait are cut short: a launch, a redeploy or a termination stopped half-way could
                // leave a process nobody tracks; those finish, and the abort takes effect before the next step.
                _stepWaits = step is WaitHealthyStep or EvaluateStep or PauseStep;
                return _step;
            }
        }

        public void CancelStep()
        {
            try
            {
                if (_stepWaits)
                {
                    _step?.Cancel();
                }
            }
            catch (ObjectDisposedException)
            {
                // Between steps: the loop sees AbortRequested before the next one.
            }
        }

        /// <summary>True once per abort: the request is consumed by the step it failed.</summary>
        public bool TakeAbort()
        {
            lock (this)
            {
                var requested = AbortRequested;
                AbortRequested = false;
                return requested;
            }
        }
    }
}
