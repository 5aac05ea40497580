using System.Globalization;

namespace Sprout.Core.Scaling;

/// <summary>
/// Decides an environment's capacity, one round at a time. In order: scheduled actions that fell due since the last
/// round (they change MinSize/MaxSize/DesiredCapacity and ignore cooldowns); capacity brought back within the bounds;
/// then the trigger and target tracking. Any policy asking for more capacity wins (the largest ask); capacity goes
/// down only when every configured policy asks for less (the smallest cut). The trigger waits the group's Cooldown
/// after any scaling activity; target tracking waits its ScaleOutCooldown after a scale-out before scaling out again
/// and its ScaleInCooldown after any activity before scaling in. While a deployment runs nothing changes: the round
/// reports what it would have done as <see cref="ScalingDecisionKind.Deferred"/>, and due scheduled actions stay due.
/// </summary>
public static class ScalingPlanner
{
    /// <param name="metrics">Environment-wide series by metric name (the trigger's MeasureName, target tracking's MetricName).</param>
    /// <param name="deploymentInProgress">What is deploying ("deployment 7 (Rolling, v2)"), or null when nothing is.</param>
    public static ScalingPlan Plan(
        ScalingPolicy policy,
        ScalingState state,
        IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> metrics,
        DateTimeOffset now,
        string? deploymentInProgress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(metrics);

        var plan = PlanIgnoringDeployments(policy, state, metrics, now);
        if (deploymentInProgress is null)
        {
            return plan;
        }

        var change = plan.Decisions.FirstOrDefault(d => d.Kind is ScalingDecisionKind.ScaleOut or ScalingDecisionKind.ScaleIn or ScalingDecisionKind.BoundsChanged);
        return change is null
            ? new ScalingPlan(state, [])
            : new ScalingPlan(state, [change with
            {
                Kind = ScalingDecisionKind.Deferred,
                ToCapacity = state.DesiredCapacity,
                Cause = $"Not scaling while {deploymentInProgress} is in progress. Would have acted on: {change.Cause}",
            }]);
    }

    private static ScalingPlan PlanIgnoringDeployments(
        ScalingPolicy policy, ScalingState state, IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> metrics, DateTimeOffset now)
    {
        var decisions = new List<ScalingDecision>();
        var current = RunScheduledActions(policy, state, now, decisions);
        current = EnforceBounds(current, now, decisions);
        if (current.DesiredCapacity != state.DesiredCapacity)
        {
            // Let the new capacity settle before metrics measured under the old one drive another change.
            return new ScalingPlan(current, decisions);
        }

        var proposals = new List<Proposal>();
        var policies = 0;
        if (policy.Trigger is { } trigger)
        {
            policies++;
            if (TriggerProposal(trigger, policy.Group, current, Samples(metrics, trigger.MeasureName), now) is { } proposal)
            {
                proposals.Add(proposal);
            }
        }

        if (policy.TargetTracking is { } tracking)
        {
            policies++;
            if (TrackingProposal(tracking, current, Samples(metrics, tracking.MetricName), now) is { } proposal)
            {
                proposals.Add(proposal);
            }
        }

        var outward = proposals.Where(p => p.Capacity > current.DesiredCapacity).MaxBy(p => p.Capacity);
        var inward = proposals.Count == policies && proposals.All(p => p.Capacity < current.DesiredCapacity)
            ? proposals.MaxBy(p => p.Capacity)
            : null;
        if ((outward ?? inward) is { } chosen)
        {
            current = Apply(chosen, current, now, decisions);
        }

        return new ScalingPlan(current, decisions);
    }

    private static ScalingState RunScheduledActions(ScalingPolicy policy, ScalingState state, DateTimeOffset now, List<ScalingDecision> decisions)
    {
        var due = policy.ScheduledActions
            .SelectMany(a => a.OccurrencesBetween(state.SchedulesCheckedThrough, now).Select(at => (Action: a, At: at)))
            .OrderBy(d => d.At)
            .ThenBy(d => d.Action.Name, StringComparer.Ordinal);
        var current = state with { SchedulesCheckedThrough = now > state.SchedulesCheckedThrough ? now : state.SchedulesCheckedThrough };
        foreach (var (action, at) in due)
        {
            var min = action.MinSize ?? current.MinSize;
            var max = Math.Max(action.MaxSize ?? current.MaxSize, min);
            var desired = Math.Clamp(action.DesiredCapacity ?? current.DesiredCapacity, min, max);
            var settings = string.Join(", ", new[]
            {
                action.MinSize is { } a ? $"MinSize {a}" : null,
                action.MaxSize is { } b ? $"MaxSize {b}" : null,
                action.DesiredCapacity is { } c ? $"DesiredCapacity {c}" : null,
            }.OfType<string>());
            var recurrence = action.Recurrence is { } cron ? $" (Recurrence \"{cron}\")" : "";
            var cause = $"Scheduled action '{action.Name}'{recurrence} ran at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC and set {settings}";
            var kind = desired > current.DesiredCapacity ? ScalingDecisionKind.ScaleOut
                : desired < current.DesiredCapacity ? ScalingDecisionKind.ScaleIn
                : ScalingDecisionKind.BoundsChanged;
            decisions.Add(new ScalingDecision(kind, ScalingSource.ScheduledAction, current.DesiredCapacity, desired, min, max,
                $"{cause}: {Change(current.DesiredCapacity, desired)}.", now));
            current = Moved(current with { MinSize = min, MaxSize = max }, desired, now);
        }

        return current;
    }

    private static ScalingState EnforceBounds(ScalingState state, DateTimeOffset now, List<ScalingDecision> decisions)
    {
        var bounded = Math.Clamp(state.DesiredCapacity, state.MinSize, Math.Max(state.MinSize, state.MaxSize));
        if (bounded == state.DesiredCapacity)
        {
            return state;
        }

        var why = bounded > state.DesiredCapacity
            ? $"Capacity {state.DesiredCapacity} is below MinSize {state.MinSize}"
            : $"Capacity {state.DesiredCapacity} is above MaxSize {state.MaxSize}";
        decisions.Add(new ScalingDecision(
            bounded > state.DesiredCapacity ? ScalingDecisionKind.ScaleOut : ScalingDecisionKind.ScaleIn,
            ScalingSource.Bounds, state.DesiredCapacity, bounded, state.MinSize, state.MaxSize,
            $"{why}: {Change(state.DesiredCapacity, bounded)}.", now));
        return Moved(state, bounded, now);
    }

    private static Proposal? TriggerProposal(ScalingTriggerOptions trigger, AutoScalingGroupOptions group, ScalingState state, IReadOnlyList<MetricSample> samples, DateTimeOffset now)
    {
        if (state.LastScalingAt is { } last && now - last < group.Cooldown)
        {
            return null;
        }

        var evaluation = TriggerEvaluator.Evaluate(trigger, samples, now);
        return evaluation.Breach switch
        {
            TriggerBreach.Upper => new Proposal(ScalingSource.Trigger, state.DesiredCapacity + trigger.UpperBreachScaleIncrement, evaluation.Description,
                trigger.MeasureName, evaluation.Latest, trigger.UpperThreshold),
            TriggerBreach.Lower => new Proposal(ScalingSource.Trigger, state.DesiredCapacity + trigger.LowerBreachScaleIncrement, evaluation.Description,
                trigger.MeasureName, evaluation.Latest, trigger.LowerThreshold),
            _ => new Proposal(ScalingSource.Trigger, state.DesiredCapacity, evaluation.Description, trigger.MeasureName, evaluation.Latest, null),
        };
    }

    private static Proposal? TrackingProposal(TargetTrackingOptions tracking, ScalingState state, IReadOnlyList<MetricSample> samples, DateTimeOffset now)
    {
        var recommendation = TargetTrackingEvaluator.Evaluate(tracking, state.DesiredCapacity, samples, now);
        var blocked = recommendation.Capacity > state.DesiredCapacity
            ? state.LastScaleOutAt is { } lastOut && now - lastOut < tracking.ScaleOutCooldown
            : recommendation.Capacity < state.DesiredCapacity && state.LastScalingAt is { } last && now - last < tracking.ScaleInCooldown;
        return blocked
            ? null
            : new Proposal(ScalingSource.TargetTracking, recommendation.Capacity, recommendation.Description, tracking.MetricName, recommendation.MetricValue, tracking.TargetValue);
    }

    private static ScalingState Apply(Proposal proposal, ScalingState state, DateTimeOffset now, List<ScalingDecision> decisions)
    {
        var bounded = Math.Clamp(proposal.Capacity, state.MinSize, state.MaxSize);
        if (bounded == state.DesiredCapacity)
        {
            var limit = proposal.Capacity > state.DesiredCapacity ? $"already at MaxSize {state.MaxSize}" : $"already at MinSize {state.MinSize}";
            decisions.Add(new ScalingDecision(ScalingDecisionKind.AtLimit, proposal.Source, state.DesiredCapacity, state.DesiredCapacity, state.MinSize, state.MaxSize,
                $"{proposal.Description}, but capacity is {limit}.", now, proposal.MetricName, proposal.MetricValue, proposal.Threshold));
            return state;
        }

        var capped = bounded != proposal.Capacity
            ? bounded > state.DesiredCapacity ? $", capped at MaxSize {state.MaxSize}" : $", floored at MinSize {state.MinSize}"
            : "";
        decisions.Add(new ScalingDecision(
            bounded > state.DesiredCapacity ? ScalingDecisionKind.ScaleOut : ScalingDecisionKind.ScaleIn,
            proposal.Source, state.DesiredCapacity, bounded, state.MinSize, state.MaxSize,
            $"{proposal.Description}: {Change(state.DesiredCapacity, bounded)}{capped}.", now, proposal.MetricName, proposal.MetricValue, proposal.Threshold));
        return Moved(state, bounded, now);
    }

    private static ScalingState Moved(ScalingState state, int desired, DateTimeOffset now) =>
        desired == state.DesiredCapacity
            ? state
            : state with
            {
                DesiredCapacity = desired,
                LastScalingAt = now,
                LastScaleOutAt = desired > state.DesiredCapacity ? now : state.LastScaleOutAt,
            };

    private static string Change(int from, int to) =>
        to > from ? $"adding {ScalingText.Instances(to - from)} ({from} → {to})"
        : to < from ? $"removing {ScalingText.Instances(from - to)} ({from} → {to})"
        : $"capacity stays {from}";

    private static IReadOnlyList<MetricSample> Samples(IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> metrics, string name) =>
        metrics.TryGetValue(name, out var samples) ? samples : [];

    private sealed record Proposal(ScalingSource Source, int Capacity, string Description, string MetricName, double? MetricValue, double? Threshold);
}
