using Sprout.Server.Routing.Targets;

namespace Sprout.Server.Routing.Balancing;

/// <summary>A route target joined to its live state, resolved once per publish.</summary>
internal sealed class ActiveTarget(RouteTarget target, TargetState state, string environmentName, string groupName)
{
    public RouteTarget Target { get; } = target;

    public TargetState State { get; } = state;

    /// <summary>The environment the instance belongs to (differs from the route's during a weighted shift).</summary>
    public string EnvironmentName { get; } = environmentName;

    public string GroupName { get; } = groupName;
}
