namespace Sprout.Server.Routing.Balancing;

/// <summary>A target group ready for the request path: its targets resolved, its round-robin cursor.</summary>
internal sealed class ActiveGroup(TargetGroup group, ActiveTarget[] targets)
{
    private int _cursor = -1;

    public TargetGroup Group { get; } = group;

    public ActiveTarget[] Targets { get; } = targets;

    public int Weight => Group.Weight;

    /// <summary>The next round-robin position (wraps without going negative).</summary>
    public int NextCursor() => Interlocked.Increment(ref _cursor) & int.MaxValue;
}
