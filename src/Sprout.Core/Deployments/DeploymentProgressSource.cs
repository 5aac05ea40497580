namespace Sprout.Core.Deployments;

/// <summary>What the server knows around a <see cref="DeploymentState"/> when it describes it: the environment, its instances and its route.</summary>
/// <param name="DeploymentId">The environment's deployment counter when this deployment started.</param>
/// <param name="Instances">The environment's instances now (terminated ones may be included; they are left out).</param>
/// <param name="Weights">The route's target group weights now; a group listed at weight 0 gets no traffic.</param>
/// <param name="AsOf">Now, by the server's clock.</param>
public sealed record DeploymentProgressSource(
    string EnvironmentName,
    long DeploymentId,
    IReadOnlyList<DeploymentInstanceView> Instances,
    IReadOnlyList<GroupWeight> Weights,
    DateTimeOffset AsOf)
{
    /// <summary>When the deployment finished, if the server recorded it; else the last step's end.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}
