using Sprout.Core.Model;

namespace Sprout.Core.Deployments;

/// <summary>One instance as a deployment's progress shows it.</summary>
/// <param name="TargetGroup">The router target group it is registered in; null when out of the router.</param>
/// <param name="HealthStatus">Its enhanced health status (Ok, Pending, Severe, …), when judged.</param>
/// <param name="Cause">Why it does not serve (failed check, crash loop), when known.</param>
public sealed record DeploymentInstanceView(
    string InstanceId,
    string VersionLabel,
    InstanceState State,
    string? TargetGroup,
    string? HealthStatus = null,
    string? Cause = null);
