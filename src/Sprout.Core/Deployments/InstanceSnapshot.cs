namespace Sprout.Core.Deployments;

/// <summary>An instance as the planner sees it when a deployment starts.</summary>
/// <param name="Id">The instance id, e.g. <c>i-0a1b2c3d4e5f6a7b8</c>.</param>
/// <param name="VersionLabel">The application version it runs.</param>
/// <param name="InService">Registered in the router and healthy.</param>
/// <param name="ConfigGeneration">The environment configuration it was launched with.</param>
public sealed record InstanceSnapshot(string Id, string VersionLabel, bool InService, long ConfigGeneration = 0);
