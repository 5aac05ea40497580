namespace Sprout.Core.Deployments;

/// <summary>Takes instances out of the router and lets their in-flight requests finish, up to <paramref name="DrainTimeout"/> (deregistration delay).</summary>
public sealed record DeregisterStep(int Index, string Description, IReadOnlyList<string> Refs, TimeSpan DrainTimeout)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
