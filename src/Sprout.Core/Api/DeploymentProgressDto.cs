using Sprout.Core.Deployments;
using Sprout.Core.Model;

namespace Sprout.Core.Api;

/// <summary>
/// <c>GET /api/environments/{name}/deployment</c>: the deployment in progress on an environment, or the last one the
/// server ran, as one stable document (built by <see cref="DeploymentProgress.Describe"/>).
/// </summary>
/// <param name="DeploymentId">Beanstalk's deployment id: the environment's deployment counter when it started (the launch is 1).</param>
/// <param name="Policy">The plan's strategy; for a deployment, the <c>DeploymentPolicy</c> it ran under.</param>
/// <param name="CurrentStepIndex">The step running now, or the one that runs next; null once finished.</param>
/// <param name="Batch">Batch progress for batch-by-batch policies (Rolling, RollingWithAdditionalBatch, rolling updates); null otherwise.</param>
/// <param name="Failure">The step whose failure turned the deployment to its recovery; null while nothing failed.</param>
/// <param name="Outcome">How it ended; null while it runs.</param>
/// <param name="AsOf">The server's clock when the document was made, so elapsed times need no client clock.</param>
public sealed record DeploymentProgressDto(
    string EnvironmentName,
    long DeploymentId,
    DeploymentStrategy Policy,
    string TargetVersionLabel,
    string? PreviousVersionLabel,
    string Summary,
    DeploymentProgressPhase Phase,
    int? CurrentStepIndex,
    DeploymentBatchDto? Batch,
    DeploymentCapacityDto Capacity,
    IReadOnlyList<DeploymentStepDto> Steps,
    IReadOnlyList<DeploymentInstanceDto> Instances,
    DeploymentFailureDto? Failure,
    DeploymentOutcomeDto? Outcome,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset AsOf)
{
    /// <summary>Finished, and not as planned: rolled back, left failed, a failed rollback, or cleanup that ended with errors.</summary>
    public bool HasFailed => Outcome is { } outcome && (outcome.Result != DeploymentResult.Succeeded || Failure is not null);
}

public enum DeploymentProgressPhase
{
    /// <summary>Running the plan.</summary>
    Deploying,
    /// <summary>A step failed (or the deployment was aborted): running the policy's recovery.</summary>
    Recovering,
    Finished,
}

public enum DeploymentStepStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    /// <summary>A plan step that will never run: an earlier step failed and the recovery took over.</summary>
    Skipped,
}

/// <param name="Kind">The step's type as stored: launch, waitHealthy, register, deregister, deployInPlace, terminate, shiftTraffic, evaluate, promote, pause.</param>
/// <param name="Recovery">A step of the recovery chosen after a failure (numbered after the plan's steps).</param>
/// <param name="Batch">The batch the step belongs to (1-based), for batch-by-batch policies.</param>
/// <param name="Detail">Why the step failed.</param>
public sealed record DeploymentStepDto(
    int Index,
    string Kind,
    string Description,
    DeploymentStepStatus Status,
    bool Recovery,
    int? Batch,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Detail);

/// <param name="Number">The batch being deployed (or the last one reached), 1-based.</param>
/// <param name="Completed">Batches whose every step succeeded.</param>
public sealed record DeploymentBatchDto(int Number, int Count, int Completed, int Size);

/// <param name="InService">Instances receiving traffic now: in service, in the router, in a group whose weight is above 0.</param>
/// <param name="MinimumInService">What the plan promises never to go below if every step succeeds.</param>
/// <param name="Instances">Live instances (any state but terminated).</param>
public sealed record DeploymentCapacityDto(int InService, int MinimumInService, int Instances);

/// <param name="InService">Receiving traffic (see <see cref="DeploymentCapacityDto.InService"/>).</param>
/// <param name="TargetGroup">The router target group it is registered in; null when out of the router.</param>
/// <param name="HealthStatus">Enhanced health status (Ok, Pending, Severe, …) when judged.</param>
/// <param name="Launched">Launched by this deployment (not one of the instances it started with).</param>
public sealed record DeploymentInstanceDto(
    string InstanceId,
    string VersionLabel,
    InstanceState State,
    bool InService,
    string? TargetGroup,
    string? HealthStatus,
    string? Cause,
    bool Launched);

public sealed record DeploymentFailureDto(int StepIndex, StepFailureKind Kind, string Description, string Detail);

public sealed record DeploymentOutcomeDto(DeploymentResult Result, string? EnvironmentVersionLabel, string Message, string? RecommendedAction);
