namespace Sprout.Core.Deployments;

/// <summary>
/// An ordered, serialisable list of steps that moves an environment to a new version or configuration, with what
/// the plan promises: at least <see cref="MinimumInService"/> instances in the router at every step.
/// </summary>
public sealed record DeploymentPlan(DeploymentStrategy Strategy, IReadOnlyList<InstanceSnapshot> OriginalInstances, IReadOnlyList<DeploymentStep> Steps)
{
    /// <summary>The version the environment runs when the plan completes.</summary>
    public required string TargetVersionLabel { get; init; }

    /// <summary>The version before (the most common among the original instances); null for a first deployment.</summary>
    public string? PreviousVersionLabel { get; init; }

    /// <summary>Configuration new instances get (null: the environment's current one).</summary>
    public long? TargetConfigGeneration { get; init; }

    public long? PreviousConfigGeneration { get; init; }

    /// <summary>Instances per batch (all of them when there is one batch).</summary>
    public int BatchSize { get; init; }

    public int BatchCount { get; init; }

    /// <summary>Fewest instances receiving traffic at any step, if every step succeeds.</summary>
    public int MinimumInService { get; init; }

    /// <summary>
    /// Index of the first cleanup step (old instances leave). A failure at or after it is not rolled back:
    /// the new version already has all the traffic, so the remaining steps are retried instead.
    /// Equal to the step count when the plan has no such point.
    /// </summary>
    public int PointOfNoReturn { get; init; }

    public TimeSpan DeregistrationDelay { get; init; }

    public TimeSpan HealthTimeout { get; init; }

    public bool IgnoreHealthCheck { get; init; }

    /// <summary>For a CNAME shift: the environment losing the hostname, and the one gaining it.</summary>
    public string? FromEnvironment { get; init; }

    public string? ToEnvironment { get; init; }

    /// <summary>A configuration change (rolling update) rather than a new application version.</summary>
    public bool IsConfigurationUpdate { get; init; }

    /// <summary>One line for the first event, e.g. "Rolling deployment of v2 to 6 instance(s) in 3 batch(es) of 2; at least 4 stay in service.".</summary>
    public string Summary { get; init; } = "";
}
