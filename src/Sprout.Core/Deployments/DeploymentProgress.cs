using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Core.Deployments;

/// <summary>
/// Shapes a deployment's persisted state and the environment around it into the progress document the API returns
/// and <c>sprout deploy</c> draws: every step with its status, the batch reached, the instances and the capacity in
/// service against the plan's promise. Pure: the caller passes the clock's reading in <see cref="DeploymentProgressSource.AsOf"/>.
/// </summary>
public static class DeploymentProgress
{
    /// <summary>The launch purpose <see cref="RollingUpdatePlanner"/> gives replacement instances (<c>launch:replacement:n</c>).</summary>
    private const string ReplacementPurpose = "replacement";

    public static DeploymentProgressDto Describe(DeploymentState state, DeploymentProgressSource source)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(source);
        var plan = state.Plan;
        var action = DeploymentCursor.NextAction(state);
        var outcome = (action as FinishedAction)?.Outcome;
        var batches = BatchesOf(plan);
        var failed = state.Recovery is not null || state.FinalOutcome is not null;
        var steps = state.AllSteps.Select(step =>
        {
            var record = state.RecordOf(step.Index);
            var recovery = step.Index >= plan.Steps.Count;
            var status = record?.Status switch
            {
                StepStatus.Running => DeploymentStepStatus.Running,
                StepStatus.Succeeded => DeploymentStepStatus.Succeeded,
                StepStatus.Failed => DeploymentStepStatus.Failed,
                _ => failed && !recovery ? DeploymentStepStatus.Skipped : DeploymentStepStatus.Pending,
            };
            return new DeploymentStepDto(
                step.Index,
                KindOf(step),
                step.Description,
                status,
                recovery,
                batches.TryGetValue(step.Index, out var batch) ? batch : null,
                record?.StartedAt,
                record?.FinishedAt,
                record?.Detail);
        }).ToList();

        int? current = action is RunStepAction run ? run.Step.Index : null;
        var instances = DescribeInstances(state, source);
        var startedAt = state.Records.Count == 0 ? (DateTimeOffset?)null : state.Records.Min(r => r.StartedAt);
        var endedAt = outcome is null ? null : source.FinishedAt ?? state.Records.Max(r => r.FinishedAt);
        return new DeploymentProgressDto(
            source.EnvironmentName,
            source.DeploymentId,
            plan.Strategy,
            plan.TargetVersionLabel,
            plan.PreviousVersionLabel,
            plan.Summary,
            outcome is not null ? DeploymentProgressPhase.Finished
                : state.Recovery is not null ? DeploymentProgressPhase.Recovering
                : DeploymentProgressPhase.Deploying,
            current,
            batches.Count == 0 ? null : DescribeBatch(plan, steps, current),
            new DeploymentCapacityDto(instances.Count(i => i.InService), plan.MinimumInService, instances.Count),
            steps,
            instances,
            DescribeFailure(state),
            outcome is null ? null : new DeploymentOutcomeDto(outcome.Result, outcome.EnvironmentVersionLabel, outcome.Message, outcome.RecommendedAction),
            startedAt,
            endedAt,
            source.AsOf);
    }

    /// <summary>The name a step is stored under (see the <c>kind</c> discriminator on <see cref="DeploymentStep"/>).</summary>
    public static string KindOf(DeploymentStep step) => step switch
    {
        LaunchInstancesStep => "launch",
        WaitHealthyStep => "waitHealthy",
        RegisterStep => "register",
        DeregisterStep => "deregister",
        DeployInPlaceStep => "deployInPlace",
        TerminateInstancesStep => "terminate",
        ShiftTrafficStep => "shiftTraffic",
        EvaluateStep => "evaluate",
        PromoteStep => "promote",
        PauseStep => "pause",
        _ => step?.GetType().Name ?? throw new ArgumentNullException(nameof(step)),
    };

    /// <summary>
    /// Plan step index → batch (1-based) for policies that go batch by batch. A step acting on original instances
    /// belongs to their batch (the planners split the original instances in order); a rolling update's replacement
    /// <c>n</c> belongs to batch ⌈n / size⌉; a step acting on no instance (a pause) to the batch before it. The
    /// additional batch of RollingWithAdditionalBatch, and cleanup after the point of no return, belong to none.
    /// </summary>
    public static IReadOnlyDictionary<int, int> BatchesOf(DeploymentPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var result = new Dictionary<int, int>();
        if (plan.Strategy is not (DeploymentStrategy.Rolling or DeploymentStrategy.RollingWithAdditionalBatch or DeploymentStrategy.RollingReplacement)
            || plan.BatchSize <= 0)
        {
            return result;
        }

        var original = plan.OriginalInstances
            .Select((instance, position) => (instance.Id, Batch: position / plan.BatchSize + 1))
            .ToDictionary(x => x.Id, x => x.Batch, StringComparer.Ordinal);
        int? previous = null;
        foreach (var step in plan.Steps.Take(plan.PointOfNoReturn))
        {
            var refs = step.Instances;
            int? batch = refs.Count == 0
                ? previous
                : refs.Select(r => original.TryGetValue(r, out var b) ? b : ReplacementBatch(r, plan.BatchSize)).Where(b => b is not null).Min();
            if (batch is { } number)
            {
                result[step.Index] = number;
                previous = number;
            }
        }

        return result;
    }

    private static int? ReplacementBatch(string reference, int batchSize)
    {
        var parts = reference.Split(':');
        return InstanceRefs.IsLaunched(reference) && parts.Length == 3 && parts[1] == ReplacementPurpose
            && int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0
                ? (number - 1) / batchSize + 1
                : null;
    }

    private static DeploymentBatchDto DescribeBatch(DeploymentPlan plan, IReadOnlyList<DeploymentStepDto> steps, int? current)
    {
        var batched = steps.Where(s => s.Batch is not null).ToList();
        var completed = batched.GroupBy(s => s.Batch!.Value).Count(g => g.All(s => s.Status == DeploymentStepStatus.Succeeded));
        var number = batched.FirstOrDefault(s => s.Index == current)?.Batch
            ?? batched.Where(s => s.StartedAt is not null).Select(s => s.Batch).Max()
            ?? 0;
        return new DeploymentBatchDto(number, plan.BatchCount, completed, plan.BatchSize);
    }

    private static List<DeploymentInstanceDto> DescribeInstances(DeploymentState state, DeploymentProgressSource source)
    {
        var launched = state.LaunchedInstances.Values.ToHashSet(StringComparer.Ordinal);
        var order = state.Plan.OriginalInstances
            .Select((instance, position) => (instance.Id, position))
            .ToDictionary(x => x.Id, x => x.position, StringComparer.Ordinal);
        var weights = source.Weights
            .GroupBy(w => w.Group, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(w => w.Weight), StringComparer.Ordinal);
        return [.. source.Instances
            .Where(i => i.State != InstanceState.Terminated)
            .OrderBy(i => order.TryGetValue(i.InstanceId, out var position) ? position : int.MaxValue)
            .ThenBy(i => i.InstanceId, StringComparer.Ordinal)
            .Select(i => new DeploymentInstanceDto(
                i.InstanceId,
                i.VersionLabel,
                i.State,
                // A group the route does not list (a CNAME shift weighs environments, not groups) keeps its traffic.
                i.State == InstanceState.InService && i.TargetGroup is { } group && (!weights.TryGetValue(group, out var weight) || weight > 0),
                i.TargetGroup,
                i.HealthStatus,
                i.Cause,
                launched.Contains(i.InstanceId)))];
    }

    private static DeploymentFailureDto? DescribeFailure(DeploymentState state)
    {
        if (state.FailedStepIndex is not { } index || state.Failure is not { } failure)
        {
            return null;
        }

        var step = state.AllSteps.FirstOrDefault(s => s.Index == index);
        return new DeploymentFailureDto(index, failure.Kind, step?.Description ?? $"Step {index + 1}", failure.Detail);
    }
}
