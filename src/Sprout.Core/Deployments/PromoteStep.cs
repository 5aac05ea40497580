namespace Sprout.Core.Deployments;

/// <summary>Makes temporary instances permanent members of the environment in <paramref name="Group"/> (Immutable, TrafficSplitting).</summary>
public sealed record PromoteStep(int Index, string Description, IReadOnlyList<string> Refs, string Group)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
