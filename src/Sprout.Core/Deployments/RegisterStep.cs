namespace Sprout.Core.Deployments;

/// <summary>Puts instances into the router, in <paramref name="Group"/>.</summary>
public sealed record RegisterStep(int Index, string Description, IReadOnlyList<string> Refs, string Group)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
