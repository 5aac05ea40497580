namespace Sprout.Server.Routing;

/// <summary>
/// A set of interchangeable targets that receives a weighted share of an environment's new requests
/// (ALB's weighted forward action). Weights are relative: groups weighted 90 and 10 get 90 % and 10 %.
/// </summary>
/// <param name="Name">Unique within its route, e.g. <c>default</c>, a version label, or an environment name.</param>
/// <param name="Weight">Relative share of new requests, 0–1000; 0 receives only requests that stick to its targets.</param>
/// <param name="Targets">Its in-service instances.</param>
public sealed record TargetGroup(string Name, int Weight, IReadOnlyList<RouteTarget> Targets)
{
    public const string DefaultName = "default";

    /// <summary>The weight of a group that takes everything.</summary>
    public const int FullWeight = 100;

    public const int MaxWeight = 1000;

    /// <summary>
    /// The environment whose instances these are, when not the route's own: a hostname shifting
    /// step by step from one environment to another carries a group of each.
    /// </summary>
    public string? EnvironmentName { get; init; }
}
