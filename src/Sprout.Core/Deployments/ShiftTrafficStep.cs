namespace Sprout.Core.Deployments;

/// <summary>Sets the route's target group weights in one routing-table publish.</summary>
public sealed record ShiftTrafficStep(int Index, string Description, IReadOnlyList<GroupWeight> Weights)
    : DeploymentStep(Index, Description);
