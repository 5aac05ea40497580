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
    [JsonIgnore]
    public IReadOnlyList<string> Instances => ActsOn();

    private protected virtual IReadOnlyList<string> ActsOn() => [];

    /// <summary>The same step at another position (recovery steps are numbered after the plan).</summary>
    public DeploymentStep Renumbered(int index) => this with { Index = index };
}
