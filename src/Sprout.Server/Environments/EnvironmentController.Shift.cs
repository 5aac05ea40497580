using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Server.Metrics;
using Sprout.Server.Routing;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// A weighted CNAME shift (docs/deployments.md, "Weighted CNAME shift between two environments"), run by the
/// controller of the environment that owns the hostname (the source). While it runs, the source's route carries two
/// groups: its own instances and, as <see cref="ShiftedGroup"/>, the destination's, weighted by the schedule. At 100 %
/// the two CNAMEs are exchanged, exactly as a swap ends; a failure or an abort sends all traffic back to the source.
/// The plan is <see cref="CnameShiftPlanner"/>'s, and its <see cref="DeploymentState"/> is saved as the source's
/// deployment after every transition, so a restarted server resumes the shift where it was.
/// </summary>
internal sealed partial class EnvironmentController
{
    /// <summary>
    /// The destination's group in the source's route. The router files those requests under (destination, this
    /// group), apart from the destination's own traffic, which is what the canary comparison reads.
    /// </summary>
    internal const string ShiftedGroup = "shifted";

    /// <summary>Source side, under <see cref="_routesGate"/>: whose instances share the hostname, and their percentage.</summary>
    private ShiftLink? _shiftLink;

    /// <summary>Destination side: the source whose route lists this environment's instances, told whenever they change.</summary>
    private EnvironmentController? _shiftWatcher;

    /// <summary>
    /// Starts (or, after a restart, resumes) the shift recorded in the store, with this environment as the source.
    /// <paramref name="resumePercent"/> is the share the destination had when the server stopped; it is routed again
    /// at once, before the interrupted step runs again.
    /// </summary>
    public void StartShift(EnvironmentController destination, DeploymentState state, int? resumePercent)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(state);
        destination.MarkUpdating();
        lock (_gate)
        {
            _status = EnvironmentStatus.Updating;
            var previous = _operation;
            _operation = Task.Run(async () =>
            {
                // After a restart the store's generic resume ran first; it leaves a shift alone, but let it finish.
                await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await RunShiftAsync(destination, state, resumePercent, _life.Token);
            });
        }
    }

    /// <summary>The destination's share of the hostname as saved (the weights of the last publish).</summary>
    public static int ShiftPercentOf(DeploymentRow saved, string destinationName)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var weights = JsonSerializer.Deserialize<List<GroupWeight>>(saved.WeightsJson, DeploymentJson.Options) ?? [];
        return weights.FirstOrDefault(w => w.EnvironmentName == destinationName)?.Weight ?? 0;
    }

    public static string ShiftWeightsJson(string source, string destination, int percent) =>
        JsonSerializer.Serialize(CnameShiftPlanner.Weights(source, destination, percent), DeploymentJson.Options);

    private void MarkUpdating()
    {
        lock (_gate)
        {
            _status = EnvironmentStatus.Updating;
        }
    }

    /// <summary>The destination's in-service instances as a group of the source's route; nothing outside a shift. Call under <see cref="_routesGate"/>.</summary>
    private IEnumerable<TargetGroup> ShiftedGroups()
    {
        if (_shiftLink is not { } link)
        {
            return [];
        }

        var targets = link.Destination.Instances
            .Where(i => i.State == InstanceState.InService && i.Row.TargetGroup is not null)
            .Select(i => new RouteTarget(i.Id, "127.0.0.1", i.Row.Port))
            .ToList();
        return [new TargetGroup(ShiftedGroup, link.Percent, targets) { EnvironmentName = link.Destination.Name }];
    }

    /// <summary>After this environment published its route: the source sharing its instances publishes again too.</summary>
    private void NotifyShiftWatcher() => Volatile.Read(ref _shiftWatcher)?.SignalRefresh();

    /// <summary>One publish: <paramref name="percent"/> % of new requests to the destination, the rest to this environment.</summary>
    private void RouteShare(EnvironmentController destination, int percent)
    {
        Volatile.Write(ref destination._shiftWatcher, this);
        lock (_routesGate)
        {
            _groupWeights = [new GroupWeight(DeploymentGroups.Main, TargetGroup.FullWeight - percent)];
            _shiftLink = new ShiftLink(destination, percent);
        }

        PublishRoutes();
    }

    /// <summary>
    /// Ends the shared route: both environments' routes (with the CNAMEs the store now records) in one publish, so no
    /// request sees a hostname unrouted or routed to both.
    /// </summary>
    private void EndShare(EnvironmentController destination, string sourceCname, string destinationCname)
    {
        var (a, b) = string.CompareOrdinal(Id, destination.Id) < 0 ? (this, destination) : (destination, this);
        lock (a._routesGate)
        {
            lock (b._routesGate)
            {
                Volatile.Write(ref _cname, sourceCname);
                Volatile.Write(ref destination._cname, destinationCname);
                _shiftLink = null;
                _groupWeights = MainOnly;
                Volatile.Write(ref destination._shiftWatcher, null);
                var routes = new[] { ComposeRoute(), destination.ComposeRoute() }.OfType<EnvironmentRoute>().ToList();
                _services.Routes.SetEnvironments(routes);
            }
        }
    }

    private async Task RunShiftAsync(EnvironmentController destination, DeploymentState state, int? resumePercent, CancellationToken cancellationToken)
    {
        await _operationLock.WaitAsync(cancellationToken);
        var shift = new ShiftRun(this, destination, resumePercent ?? 0);
        try
        {
            shift.Source = await _services.Store.GetEnvironmentByIdAsync(Id, cancellationToken) ?? throw new InvalidOperationException($"Environment {Id} vanished.");
            shift.Destination = await _services.Store.GetEnvironmentByIdAsync(destination.Id, cancellationToken) ?? throw new InvalidOperationException($"Environment {destination.Id} vanished.");
            if (resumePercent is { } percent)
            {
                RouteShare(destination, percent);
            }

            var run = new DeploymentRun(state);
            Volatile.Write(ref _deployment, run);
            try
            {
                await RunShiftStepsAsync(shift, run, cancellationToken);
            }
            finally
            {
                Volatile.Write(ref _deployment, null);
            }

            await FinishShiftAsync(shift, ((FinishedAction)DeploymentCursor.NextAction(run.State)).Outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping; the shift stays recorded and resumes at the next start.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Shifting {Environment}'s CNAME to {Destination} failed", Name, destination.Name);
            var failed = new DeploymentOutcome(DeploymentResult.RolledBack, null,
                $"Shifting traffic to environment {destination.Name} failed (internal error: {e.Message}); all traffic went back to {Name}.");
            try
            {
                await FinishShiftAsync(shift, failed, CancellationToken.None);
            }
            catch (Exception finishing)
            {
                // The store itself may be the trouble: traffic is back on the source already; the next start ends the shift.
                _logger.LogError(finishing, "Could not end the failed shift of {Environment}", Name);
            }
        }
        finally
        {
            _operationLock.Release();
        }
    }

    /// <summary>The deployment loop (<see cref="RunDeploymentStepsAsync"/>) for a shift's steps, with events on both environments.</summary>
    private Task RunShiftStepsAsync(ShiftRun shift, DeploymentRun run, CancellationToken cancellationToken)
        => RunPlannedStepsAsync(
            run,
            "shift",
            (step, _, token) => ExecuteShiftStepAsync(shift, step, token),
            (state, events, token) => SaveShiftAsync(shift, state, events, token),
            cancellationToken);

    private Task<StepFailure?> ExecuteShiftStepAsync(ShiftRun shift, DeploymentStep step, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case ShiftTrafficStep traffic:
                shift.Percent = traffic.Weights.FirstOrDefault(w => w.EnvironmentName == shift.To.Name)?.Weight ?? 0;
                RouteShare(shift.To, shift.Percent);
                return Task.FromResult<StepFailure?>(null);
            case EvaluateStep evaluate:
                return EvaluateShiftAsync(shift, evaluate, cancellationToken);
            default:
                return Task.FromResult<StepFailure?>(new StepFailure(StepFailureKind.Internal, $"A CNAME shift cannot run a {step.GetType().Name} step."));
        }
    }

    /// <summary>
    /// Holds the share for the step's window, failing as soon as the destination has an unhealthy instance or none in
    /// service; with analysis, then compares the two groups' router metrics over the window (<see cref="EvaluateAsync"/>'s rules).
    /// </summary>
    private async Task<StepFailure?> EvaluateShiftAsync(ShiftRun shift, EvaluateStep step, CancellationToken cancellationToken)
    {
        var destination = shift.To;
        var end = _services.Time.GetUtcNow() + step.Duration;
        while (_services.Time.GetUtcNow() < end)
        {
            var instances = destination.Instances;
            var unhealthy = instances.Where(i => i.State == InstanceState.Unhealthy).ToList();
            if (unhealthy.Count > 0)
            {
                return new StepFailure(StepFailureKind.HealthCheckFailed,
                    $"Instance(s) of environment {destination.Name} failed their health checks while it took traffic: {string.Join("; ", unhealthy.Select(i => $"{i.Id}: {i.HealthView.Cause}"))}");
            }

            if (!instances.Any(i => i.State == InstanceState.InService && i.Row.TargetGroup is not null))
            {
                return new StepFailure(StepFailureKind.HealthCheckFailed, $"Environment {destination.Name} has no instance in service.");
            }

            var left = end - _services.Time.GetUtcNow();
            await Task.Delay(left < PollInterval ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : PollInterval, _services.Time, cancellationToken);
        }

        if (step.Analysis is null)
        {
            return null;
        }

        var window = step.Duration > RouterMetrics.MaxWindow ? RouterMetrics.MaxWindow : step.Duration;
        var verdict = CanaryAnalysis.Compare(GroupMetrics(DeploymentGroups.Main, window), destination.GroupMetrics(ShiftedGroup, window), step.Analysis);
        var reasons = string.Join(" ", verdict.Reasons).Replace("new version", $"environment {destination.Name}", StringComparison.Ordinal).Replace("old version", $"environment {Name}", StringComparison.Ordinal);
        switch (verdict.Result)
        {
            case CanaryResult.Fail:
                return new StepFailure(StepFailureKind.CanaryRegressed, $"Canary analysis failed: {reasons}");
            case CanaryResult.Inconclusive:
                await SaveShiftEventsAsync(shift, [new(EventSeverity.WARN, $"Canary analysis was inconclusive; carrying on. {reasons}")], cancellationToken);
                return null;
            default:
                await SaveShiftEventsAsync(shift, [new(EventSeverity.INFO, $"Canary analysis passed. {reasons}")], cancellationToken);
                return null;
        }
    }

    private Task SaveShiftAsync(ShiftRun shift, DeploymentState state, IReadOnlyList<DeploymentEvent> events, CancellationToken cancellationToken) =>
        _services.Store.SaveDeploymentAsync(
            Id,
            DeploymentJson.Serialize(state),
            ShiftWeightsJson(Name, shift.To.Name, shift.Percent),
            shift.OnBoth(events),
            cancellationToken);

    private Task SaveShiftEventsAsync(ShiftRun shift, IReadOnlyList<DeploymentEvent> events, CancellationToken cancellationToken) =>
        _services.Store.AppendEventsAsync(shift.OnBoth(events), cancellationToken);

    /// <summary>
    /// Both environments Ready in one transaction (CNAMEs exchanged on success), then the routes that match, then the
    /// health each judges. Success reads like a swap; anything else like a rolled-back deployment, so the CLI fails.
    /// </summary>
    private async Task FinishShiftAsync(ShiftRun shift, DeploymentOutcome outcome, CancellationToken cancellationToken)
    {
        var succeeded = outcome.Result == DeploymentResult.Succeeded;
        var destination = shift.To;
        List<DeploymentEvent> events = succeeded
            ?
            [
                new(EventSeverity.INFO, outcome.Message),
                new(EventSeverity.INFO, $"Completed swapping CNAMEs for environments '{Name}' and '{destination.Name}'."),
                new(EventSeverity.INFO, "Environment update completed successfully."),
            ]
            :
            [
                new(EventSeverity.ERROR, outcome.Message),
                .. outcome.RecommendedAction is { } action ? [new DeploymentEvent(EventSeverity.WARN, action)] : Array.Empty<DeploymentEvent>(),
                new(EventSeverity.ERROR, "Update environment operation is complete, but with errors."),
            ];
        if (!succeeded)
        {
            // Traffic first: whatever the store says, the source's instances take the hostname back now.
            EndShare(destination, Cname, destination.Cname);
        }

        var (source, destinationRow) = await _services.Store.FinishShiftAsync(Id, destination.Id, succeeded, shift.OnBoth(events), cancellationToken);
        EndShare(destination, source.Cname, destinationRow.Cname);
        foreach (var controller in new[] { this, destination })
        {
            await controller.SettleAfterShiftAsync(cancellationToken);
        }

        _logger.LogInformation("Shift of {Environment} to {Destination} ended: {Result}", Name, destination.Name, outcome.Result.ToString());
    }

    /// <summary>After a restart, a shift whose other half is gone: Ready again, on its own CNAME and instances (the restored route).</summary>
    public async Task EndUnfinishableShiftAsync(EventDraft warning, CancellationToken cancellationToken)
    {
        await _services.Store.FinishOperationAsync(Id, EnvironmentStatus.Ready, [warning], cancellationToken);
        await SettleAfterShiftAsync(cancellationToken);
    }

    private async Task SettleAfterShiftAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _status = EnvironmentStatus.Ready;
        }

        var health = EvaluateHealth();
        await _services.Store.SetHealthAsync(Id, health.Color, health.Status, health.Causes, null, cancellationToken);
        SignalRefresh();
    }

    private sealed record ShiftLink(EnvironmentController Destination, int Percent);

    /// <summary>One shift as it runs: both environments and the destination's current share.</summary>
    private sealed class ShiftRun(EnvironmentController from, EnvironmentController to, int percent)
    {
        public EnvironmentController From { get; } = from;

        public EnvironmentController To { get; } = to;

        public int Percent { get; set; } = percent;

        public EnvironmentRow? Source { get; set; }

        public EnvironmentRow? Destination { get; set; }

        public IReadOnlyList<EventDraft> OnBoth(IEnumerable<DeploymentEvent> events) =>
        [
            .. events.SelectMany(e => new[]
            {
                new EventDraft(e.Severity, e.Message, From.Application, From.Name, Source?.VersionLabel),
                new EventDraft(e.Severity, e.Message, To.Application, To.Name, Destination?.VersionLabel),
            }),
        ];
    }
}
