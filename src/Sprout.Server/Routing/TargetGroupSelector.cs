namespace Sprout.Server.Routing;

/// <summary>Spreads new requests over a route's target groups in proportion to their weights.</summary>
internal static class TargetGroupSelector
{
    /// <summary>
    /// A weighted random group among those with targets; when every group with targets has weight 0,
    /// one of them still serves (better than refusing while the weights are being moved). Null when no group has a target.
    /// </summary>
    public static TargetGroup? Pick(IReadOnlyList<TargetGroup> groups, Random random)
    {
        if (groups.Count == 1)
        {
            return groups[0].Targets.Count > 0 ? groups[0] : null;
        }

        var total = 0;
        TargetGroup? fallback = null;
        foreach (var group in groups)
        {
            if (group.Targets.Count > 0)
            {
                total += group.Weight;
                fallback ??= group;
            }
        }

        if (total == 0)
        {
            return fallback;
        }

        var ticket = random.Next(total);
        foreach (var group in groups)
        {
            if (group.Targets.Count == 0)
            {
                continue;
            }

            ticket -= group.Weight;
            if (ticket < 0)
            {
                return group;
            }
        }

        return fallback;
    }
}
