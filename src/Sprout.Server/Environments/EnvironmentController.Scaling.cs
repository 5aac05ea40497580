using Microsoft.Extensions.Logging;
using Sprout.Core.Model;
using Sprout.Core.Scaling;
using Sprout.Server.Scaling;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// Auto scaling, one round a second (driven by <c>Scaling.Autoscaler</c>): metric samples from the router and the
/// instances' processes feed <see cref="ScalingPlanner"/>; a capacity change sets DesiredCapacity only, launches or
/// drains-then-removes instances under the operation lock (so it never runs beside a deployment), and every decision
/// is an event with its cause. The planner's state lives in memory: a server restart starts from the stored capacity.
/// </summary>
internal sealed partial class EnvironmentController
{
    private readonly ScalingMetricSeries _scalingSeries = new();
    private ScalingState? _scalingState;
    private DateTimeOffset? _scalingStateOf;
    private string? _lastQuietDecision;
    private Task _scaling = Task.CompletedTask;

    /// <summary>MinSize as auto scaling holds it now (scheduled actions may have changed it); null when not scaling.</summary>
    private int? ScalingMinSize => Volatile.Read(ref _scalingState)?.MinSize;

    /// <summary>The planner's state, for display; null before the first round or when the environment is not load balanced.</summary>
    public ScalingState? ScalingState => Volatile.Read(ref _scalingState);

    public async Task ScaleRoundAsync(CancellationToken cancellationToken)
    {
        if (!_scaling.IsCompleted)
        {
            return;
        }

        var view = await RefreshSettingsViewAsync(cancellationToken);
        if (view is null || view.Row.EnvironmentType != EnvironmentType.LoadBalanced || view.Row.Status is EnvironmentStatus.Terminating or EnvironmentStatus.Terminated)
        {
            Volatile.Write(ref _scalingState, null);
            return;
        }

        var now = _services.Time.GetUtcNow();
        var inService = Instances.Count(i => i.State == InstanceState.InService);
        _scalingSeries.Record(now, _services.Metrics, _services.SystemMetrics, Name, Instances.Where(i => i.State == InstanceState.InService).Select(i => i.Id).ToList(), inService);

        var policy = view.ScalingPolicy;
        var state = _scalingState;
        if (state is null || _scalingStateOf != view.Updated)
        {
            // A new configuration (or a user's scale) sets the bounds and the capacity; the timers carry on.
            state = state is null
                ? Core.Scaling.ScalingState.Initial(policy.Group, view.Row.DesiredCapacity, now)
                : state with { MinSize = policy.Group.MinSize, MaxSize = policy.Group.MaxSize, DesiredCapacity = view.Row.DesiredCapacity };
            _scalingStateOf = view.Updated;
            Volatile.Write(ref _scalingState, state);
        }

        var busy = view.Row.Status == EnvironmentStatus.Ready ? null : $"the {view.Row.Operation ?? "current"} operation";
        var plan = ScalingPlanner.Plan(policy, state, _scalingSeries.Snapshot(), now, busy);
        if (busy is not null)
        {
            await ReportQuietAsync(view.Row, plan.Decisions, cancellationToken);
            return;
        }

        if (plan.DesiredCapacity == state.DesiredCapacity)
        {
            Volatile.Write(ref _scalingState, plan.State);
            var bounds = plan.Decisions.Where(d => d.Kind == ScalingDecisionKind.BoundsChanged).ToList();
            if (bounds.Count > 0)
            {
                await _services.Store.AppendEventAsync(Event(view.Row, EventSeverity.INFO, string.Join(" ", bounds.Select(d => d.Cause))), cancellationToken);
            }

            await ReportQuietAsync(view.Row, plan.Decisions.Where(d => d.Kind != ScalingDecisionKind.BoundsChanged).ToList(), cancellationToken);
            return;
        }

        if (view.Version?.SlugDirectory is null || !await _operationLock.WaitAsync(0, cancellationToken))
        {
            return;
        }

        var events = plan.Decisions.Select(d => Event(view.Row, d.Kind == ScalingDecisionKind.AtLimit ? EventSeverity.WARN : EventSeverity.INFO, d.Cause)).ToList();
        bool written;
        try
        {
            written = await _services.Store.SetDesiredCapacityAsync(Id, plan.DesiredCapacity, events, cancellationToken);
        }
        catch
        {
            _operationLock.Release();
            throw;
        }

        if (!written)
        {
            // An operation began since the row was read; it decides the capacity now.
            _operationLock.Release();
            return;
        }

        Volatile.Write(ref _scalingState, plan.State);
        _lastQuietDecision = null;
        lock (_gate)
        {
            _desiredCapacity = plan.DesiredCapacity;
        }

        SignalRefresh();
        _scaling = Task.Run(() => ApplyCapacityAsync(view, plan.DesiredCapacity, _life.Token), CancellationToken.None);
    }

    /// <summary>Launches or removes instances to reach <paramref name="capacity"/>; holds the operation lock taken by the round.</summary>
    private async Task ApplyCapacityAsync(EnvironmentSettingsView view, int capacity, CancellationToken cancellationToken)
    {
        try
        {
            var live = Instances;
            if (capacity > live.Count)
            {
                await Task.WhenAll(Enumerable.Range(0, capacity - live.Count).Select(_ => LaunchNewAsync(view.Row, view.Version!, view.Options, cancellationToken)));
            }
            else if (capacity < live.Count)
            {
                // The newest go first (as Beanstalk's default termination policy does with the newest launch template last); each drains before it stops.
                var extra = live.OrderByDescending(i => i.Row.Launched).Take(live.Count - capacity).ToList();
                await Task.WhenAll(extra.Select(i => RemoveAsync(i, $"Removed instance [{i.Id}] from your environment (auto scaling).", cancellationToken)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Auto scaling {Environment} to {Capacity} failed", Name, capacity);
        }
        finally
        {
            _operationLock.Release();
        }
    }

    /// <summary>Decisions that change nothing (at a limit, deferred) become an event once, not every second.</summary>
    private async Task ReportQuietAsync(EnvironmentRow row, IReadOnlyList<ScalingDecision> decisions, CancellationToken cancellationToken)
    {
        if (decisions.Count == 0)
        {
            _lastQuietDecision = null;
            return;
        }

        var key = string.Join("|", decisions.Select(d => $"{d.Kind}:{d.Source}:{d.MetricName}"));
        if (key == _lastQuietDecision)
        {
            return;
        }

        _lastQuietDecision = key;
        foreach (var decision in decisions)
        {
            await _services.Store.AppendEventAsync(Event(row, EventSeverity.INFO, decision.Cause), cancellationToken);
        }
    }
}
