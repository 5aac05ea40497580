namespace Sprout.Core.Deployments;

/// <summary>What the planner needs to plan a new application version's deployment.</summary>
/// <param name="NewVersionLabel">The version to deploy.</param>
/// <param name="Instances">The environment's instances now, in the order the planner may batch them.</param>
/// <param name="DesiredCapacity">The Auto Scaling desired count; used when there are no instances yet.</param>
public sealed record DeploymentRequest(string NewVersionLabel, IReadOnlyList<InstanceSnapshot> Instances, int DesiredCapacity)
{
    public DeploymentPolicyOptions Options { get; init; } = DeploymentPolicyOptions.Defaults;

    /// <summary>How long a deregistered instance may finish in-flight requests (process <c>DeregistrationDelay</c>, 20 s).</summary>
    public TimeSpan DeregistrationDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Configuration new instances launch with; null means the environment's current one.</summary>
    public long? ConfigGeneration { get; init; }
}
