using System.Collections.Frozen;
using Sprout.Server.Routing.Targets;

namespace Sprout.Server.Routing.Balancing;

/// <summary>
/// The request path's form of an <see cref="EnvironmentRoute"/>: groups and targets joined to their live
/// states, and an index by instance id for sticky sessions. Built once per publish, then only read.
/// </summary>
internal sealed class ActiveRoute
{
    public ActiveRoute(EnvironmentRoute route, TargetStates states)
    {
        Route = route;
        Groups = route.Groups
            .Select(group => new ActiveGroup(
                group,
                group.Targets.Select(target => new ActiveTarget(target, states.Get(target.InstanceId), group.EnvironmentName ?? route.EnvironmentName, group.Name)).ToArray()))
            .ToArray();
        ByInstance = route.Policy.StickinessDuration is null
            ? FrozenDictionary<string, ActiveTarget>.Empty
            : Groups.SelectMany(group => group.Targets)
                .DistinctBy(target => target.Target.InstanceId, StringComparer.Ordinal)
                .ToFrozenDictionary(target => target.Target.InstanceId, StringComparer.Ordinal);
    }

    public EnvironmentRoute Route { get; }

    public string EnvironmentName => Route.EnvironmentName;

    public RoutePolicy Policy => Route.Policy;

    public ActiveGroup[] Groups { get; }

    /// <summary>Every target by instance id; filled only when the route is sticky.</summary>
    public FrozenDictionary<string, ActiveTarget> ByInstance { get; }
}
