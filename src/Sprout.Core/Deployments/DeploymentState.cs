using System.Text.Json.Serialization;
using Sprout.Core.Model;

namespace Sprout.Core.Deployments;

/// <summary>
/// A deployment's persisted progress: the plan, one record per step run, the recovery chosen after a failure, and
/// which instance each launch placeholder became. Immutable; every transition returns a new state for the store to
/// save (as JSON, see <see cref="DeploymentJson"/>) before the reconciler acts on it.
/// </summary>
public sealed record DeploymentState(DeploymentPlan Plan)
{
    public IReadOnlyList<StepRecord> Records { get; init; } = [];

    /// <summary>Set once a forward step fails.</summary>
    public DeploymentRecovery? Recovery { get; init; }

    public int? FailedStepIndex { get; init; }

    public StepFailure? Failure { get; init; }

    /// <summary>Set when a recovery step fails: there is nothing more to try.</summary>
    public DeploymentOutcome? FinalOutcome { get; init; }

    /// <summary>Launch placeholder (<see cref="InstanceRefs"/>) → instance id.</summary>
    public IReadOnlyDictionary<string, string> LaunchedInstances { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public static DeploymentState Start(DeploymentPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new DeploymentState(plan);
    }

    /// <summary>Plan steps, then recovery steps.</summary>
    [JsonIgnore]
    public IReadOnlyList<DeploymentStep> AllSteps => Recovery is null ? Plan.Steps : [.. Plan.Steps, .. Recovery.Steps];

    public StepRecord? RecordOf(int index) => Records.FirstOrDefault(r => r.Index == index);

    public DeploymentState Started(int index, DateTimeOffset at) =>
        WithRecord(RecordOf(index) is { Status: StepStatus.Running } running
            ? running
            : new StepRecord(index, StepStatus.Running, at));

    public DeploymentState Succeeded(int index, DateTimeOffset at) =>
        WithRecord((RecordOf(index) ?? new StepRecord(index, StepStatus.Running, at)) with { Status = StepStatus.Succeeded, FinishedAt = at });

    /// <summary>
    /// Records a failure. A forward step's failure chooses the recovery (<see cref="DeploymentFailures.Recover"/>);
    /// a recovery step's failure ends the deployment as <see cref="DeploymentResult.RollbackFailed"/>.
    /// </summary>
    public DeploymentState Failed(int index, StepFailure failure, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var state = WithRecord((RecordOf(index) ?? new StepRecord(index, StepStatus.Running, at)) with
        {
            Status = StepStatus.Failed,
            FinishedAt = at,
            Detail = failure.Detail,
        });
        if (index >= Plan.Steps.Count || Recovery is not null)
        {
            // After the point of no return the recovery only retries the cleanup: the new version already serves.
            return state with
            {
                FinalOutcome = Recovery?.Outcome.Result == DeploymentResult.Succeeded
                    ? new DeploymentOutcome(DeploymentResult.Succeeded, Recovery.Outcome.EnvironmentVersionLabel,
                        $"Update environment operation is complete, but with errors: {failure.Detail}",
                        "Old instances may still be running; terminate them or deploy again.")
                    : new DeploymentOutcome(DeploymentResult.RollbackFailed, Plan.PreviousVersionLabel,
                        $"Rollback failed: {failure.Detail} Instances may run different versions or configurations.",
                        "Fix the cause of the failure, then deploy a known-good version again."),
            };
        }

        return state with { Recovery = DeploymentFailures.Recover(Plan, index, failure), FailedStepIndex = index, Failure = failure };
    }

    /// <summary>
    /// Whether <see cref="Abort"/> is possible: the plan is still running forward and has not reached its cleanup
    /// phase (Beanstalk refuses to abort once old resources are being removed).
    /// </summary>
    [JsonIgnore]
    public bool CanAbort =>
        FinalOutcome is null && Recovery is null &&
        DeploymentCursor.NextAction(this) is RunStepAction { Phase: DeploymentPhase.Forward } next &&
        next.Step.Index < Plan.PointOfNoReturn;

    /// <summary>
    /// AbortEnvironmentUpdate: the current step counts as failed by the user, so the policy's recovery runs
    /// (traffic back and new instances terminated for TrafficSplitting and Immutable; in-place policies simply stop).
    /// </summary>
    public DeploymentState Abort(DateTimeOffset at)
    {
        if (!CanAbort)
        {
            throw new InvalidOperationException("The deployment cannot be aborted: it has finished, is rolling back, or is removing old instances.");
        }

        var current = ((RunStepAction)DeploymentCursor.NextAction(this)).Step;
        return Started(current.Index, at).Failed(current.Index, new StepFailure(StepFailureKind.Aborted, "The deployment was aborted."), at);
    }

    public DeploymentState WithLaunchedInstance(string reference, string instanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return this with
        {
            LaunchedInstances = new Dictionary<string, string>(LaunchedInstances, StringComparer.Ordinal) { [reference] = instanceId },
        };
    }

    /// <summary>The instance id behind a reference: placeholders map to what they became, ids are themselves; null for a placeholder not launched yet.</summary>
    public string? ResolveInstance(string reference) =>
        InstanceRefs.IsLaunched(reference) ? LaunchedInstances.GetValueOrDefault(reference) : reference;

    /// <summary>Events to record when the deployment starts.</summary>
    [JsonIgnore]
    public IReadOnlyList<DeploymentEvent> StartEvents =>
    [
        new(EventSeverity.INFO, "Environment update is starting."),
        new(EventSeverity.INFO, Plan.Summary),
    ];

    private DeploymentState WithRecord(StepRecord record) =>
        this with { Records = [.. Records.Where(r => r.Index != record.Index), record] };
}
