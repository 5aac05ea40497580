using System.Text.Json.Serialization;

namespace Sprout.Core.Deployments;

/// <summary>
/// One step of a plan. Every step is idempotent: running it again after a crash, or after it partly happened,
/// leaves the same result, so a restarted reconciler simply runs the interrupted step again.
/// </summary>
/// <param name="Index">Stable position; recovery steps continue the numbering after the plan's last step.</param>
/// <param name="Description">Event text for the step, e.g. "Deploying new version to instance(s) i-1, i-2 (batch 1 of 3).".</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(LaunchInstancesStep), "launch")]
[JsonDerivedType(typeof(WaitHealthyStep), "waitHealthy")]
[JsonDerivedType(typeof(RegisterStep), "register")]
[JsonDerivedType(typeof(DeregisterStep), "deregister")]
[JsonDerivedType(typeof(DeployInPlaceStep), "deployInPlace")]
[JsonDerivedType(typeof(TerminateInstancesStep), "terminate")]
[JsonDerivedType(typeof(ShiftTrafficStep), "shiftTraffic")]
[JsonDerivedType(typeof(EvaluateStep), "evaluate")]
[JsonDerivedType(typeof(PromoteStep), "promote")]
[JsonDerivedType(typeof(PauseStep), "pause")]
public abstract record DeploymentStep(int Index, string Description)
{
    /// <summary>The instances (ids or <see cref="InstanceRefs"/> placeholders) the step acts on; none for traffic and timing steps.</summary>
    public virtual IReadOnlyList<string> Instances => [];

    /// <summary>The same step at another position (recovery steps are numbered after the plan).</summary>
    public DeploymentStep Renumbered(int index) => this with { Index = index };
}

/// <summary>Starts new instances; they do not receive traffic until a <see cref="RegisterStep"/>. Placeholders already launched are skipped.</summary>
/// <param name="Temporary">Part of a temporary group (Immutable, TrafficSplitting, additional batch) until promoted or terminated.</param>
/// <param name="ConfigGeneration">Configuration to launch with; null means the environment's current one.</param>
public sealed record LaunchInstancesStep(
    int Index, string Description, IReadOnlyList<string> Refs, string VersionLabel, long? ConfigGeneration, string Group, bool Temporary)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>
/// Waits until every instance passes its health checks, within <paramref name="Timeout"/> counted from when the step
/// first started (a resumed step does not get a fresh timeout). With <paramref name="IgnoreHealthCheck"/> the
/// timeout passing is not a failure: the deployment carries on.
/// </summary>
public sealed record WaitHealthyStep(int Index, string Description, IReadOnlyList<string> Refs, TimeSpan Timeout, bool IgnoreHealthCheck)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>Puts instances into the router, in <paramref name="Group"/>.</summary>
public sealed record RegisterStep(int Index, string Description, IReadOnlyList<string> Refs, string Group)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>Takes instances out of the router and lets their in-flight requests finish, up to <paramref name="DrainTimeout"/> (deregistration delay).</summary>
public sealed record DeregisterStep(int Index, string Description, IReadOnlyList<string> Refs, TimeSpan DrainTimeout)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>Stops the application on instances that are out of the router and starts <paramref name="VersionLabel"/> in its place.</summary>
public sealed record DeployInPlaceStep(int Index, string Description, IReadOnlyList<string> Refs, string VersionLabel)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>Stops instances for good and forgets them. Instances already gone are skipped.</summary>
public sealed record TerminateInstancesStep(int Index, string Description, IReadOnlyList<string> Refs)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>Sets the route's target group weights in one routing-table publish.</summary>
public sealed record ShiftTrafficStep(int Index, string Description, IReadOnlyList<GroupWeight> Weights)
    : DeploymentStep(Index, Description);

/// <summary>
/// Watches <paramref name="Group"/> for <paramref name="Duration"/>: it fails when its instances turn unhealthy, and,
/// with <paramref name="Analysis"/>, when <see cref="CanaryAnalysis.Compare"/> says the new version regresses
/// against <paramref name="BaselineGroup"/>. A resumed evaluation starts its window again.
/// </summary>
public sealed record EvaluateStep(int Index, string Description, string Group, string BaselineGroup, TimeSpan Duration, CanaryThresholds? Analysis)
    : DeploymentStep(Index, Description);

/// <summary>Makes temporary instances permanent members of the environment in <paramref name="Group"/> (Immutable, TrafficSplitting).</summary>
public sealed record PromoteStep(int Index, string Description, IReadOnlyList<string> Refs, string Group)
    : DeploymentStep(Index, Description)
{
    public override IReadOnlyList<string> Instances => Refs;
}

/// <summary>Waits (rolling update PauseTime).</summary>
public sealed record PauseStep(int Index, string Description, TimeSpan Duration)
    : DeploymentStep(Index, Description);
