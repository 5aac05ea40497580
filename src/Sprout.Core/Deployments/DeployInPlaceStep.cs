namespace Sprout.Core.Deployments;

/// <summary>Stops the application on instances that are out of the router and starts <paramref name="VersionLabel"/> in its place.</summary>
public sealed record DeployInPlaceStep(int Index, string Description, IReadOnlyList<string> Refs, string VersionLabel)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
