namespace Sprout.Core.Deployments;

/// <summary>A router target group's relative share of new requests (ALB weighted forward, Route 53 weighted record).</summary>
/// <param name="Group">Target group name within the route (<see cref="DeploymentGroups"/>), or an environment name for a CNAME shift.</param>
/// <param name="Weight">0–100; weights of one step add up to 100.</param>
/// <param name="EnvironmentName">For a CNAME shift, the environment whose instances form the group.</param>
public sealed record GroupWeight(string Group, int Weight, string? EnvironmentName = null);
