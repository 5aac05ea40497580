using System.Text.Json.Serialization;

namespace Sprout.Server.Routing;

/// <summary>
/// What the router knows about one environment: the hostnames it answers and the weighted target
/// groups new requests are spread over. One group is the usual case; two or more carry a traffic
/// split (a canary, an immutable batch, a weighted shift of a CNAME between two environments).
/// </summary>
/// <param name="EnvironmentName">The environment this route belongs to.</param>
/// <param name="Hostnames">Full host names (no port), e.g. <c>myapp-dev.localhost</c>; matched case-insensitively.</param>
/// <param name="Groups">Where requests go. No group with weight and targets means the environment exists but nothing is in service: 503.</param>
public sealed record EnvironmentRoute(string EnvironmentName, IReadOnlyList<string> Hostnames, IReadOnlyList<TargetGroup> Groups)
{
    /// <summary>How a target is chosen within a group, and whether clients stick to one.</summary>
    public RoutePolicy Policy { get; init; } = RoutePolicy.Default;

    /// <summary>Every target of every group, in group order.</summary>
    [JsonIgnore]
    public IEnumerable<RouteTarget> AllTargets => Groups.SelectMany(group => group.Targets);

    /// <summary>The usual route: one group, all the weight, these targets.</summary>
    public static EnvironmentRoute Of(string environmentName, IReadOnlyList<string> hostnames, IReadOnlyList<RouteTarget> targets)
        => new(environmentName, hostnames, [new TargetGroup(TargetGroup.DefaultName, TargetGroup.FullWeight, targets)]);
}
