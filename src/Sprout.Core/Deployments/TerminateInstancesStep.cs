namespace Sprout.Core.Deployments;

/// <summary>Stops instances for good and forgets them. Instances already gone are skipped.</summary>
public sealed record TerminateInstancesStep(int Index, string Description, IReadOnlyList<string> Refs)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
