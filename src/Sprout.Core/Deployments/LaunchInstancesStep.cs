namespace Sprout.Core.Deployments;

/// <summary>Starts new instances; they do not receive traffic until a <see cref="RegisterStep"/>. Placeholders already launched are skipped.</summary>
/// <param name="Temporary">Part of a temporary group (Immutable, TrafficSplitting, additional batch) until promoted or terminated.</param>
/// <param name="ConfigGeneration">Configuration to launch with; null means the environment's current one.</param>
public sealed record LaunchInstancesStep(
    int Index, string Description, IReadOnlyList<string> Refs, string VersionLabel, long? ConfigGeneration, string Group, bool Temporary)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
