namespace Sprout.Server.Routing.Balancing;

/// <summary>
/// Chooses the target of one request: the sticky target when the client has one that still serves,
/// else a target group by weight, then a target in it by the route's algorithm, skipping ejected
/// targets. When every target is ejected the router still tries them (panic mode): an ejection is a
/// guess, and refusing every request would turn it into an outage.
/// </summary>
internal static class TargetSelector
{
    public static ActiveTarget? Pick(ActiveRoute route, ReadOnlySpan<char> stickyInstanceId, long nowTicks, Random random)
    {
        if (!stickyInstanceId.IsEmpty
            && route.ByInstance.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(stickyInstanceId, out var sticky)
            && !sticky.State.IsEjectedAt(nowTicks))
        {
            return sticky;
        }

        var groups = route.Groups;
        var group = groups.Length == 1
            ? (groups[0].Targets.Length > 0 ? groups[0] : null)
            : PickGroup(groups, nowTicks, random, availableOnly: true) ?? PickGroup(groups, nowTicks, random, availableOnly: false);
        if (group is null)
        {
            return null;
        }

        return route.Policy.Algorithm == LoadBalancingAlgorithm.RoundRobin
            ? RoundRobin(group, nowTicks)
            : LeastOutstanding(group.Targets, nowTicks, random);
    }

    /// <summary>A group by weight among those with (available) targets; with no weight among them, the first such group.</summary>
    internal static ActiveGroup? PickGroup(ActiveGroup[] groups, long nowTicks, Random random, bool availableOnly)
    {
        var total = 0;
        ActiveGroup? fallback = null;
        foreach (var group in groups)
        {
            if (Serves(group, nowTicks, availableOnly))
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
            if (Serves(group, nowTicks, availableOnly))
            {
                ticket -= group.Weight;
                if (ticket < 0)
                {
                    return group;
                }
            }
        }

        return fallback;
    }

    /// <summary>Power of two choices: two distinct random targets, the one with fewer requests in flight.</summary>
    internal static ActiveTarget LeastOutstanding(ActiveTarget[] targets, long nowTicks, Random random)
    {
        if (targets.Length == 1)
        {
            return targets[0];
        }

        var first = random.Next(targets.Length);
        var second = (first + 1 + random.Next(targets.Length - 1)) % targets.Length;
        var a = targets[first];
        var b = targets[second];
        var aAvailable = !a.State.IsEjectedAt(nowTicks);
        var bAvailable = !b.State.IsEjectedAt(nowTicks);
        if (aAvailable && bAvailable)
        {
            return b.State.InFlight < a.State.InFlight ? b : a;
        }

        if (aAvailable != bAvailable)
        {
            return aAvailable ? a : b;
        }

        return LeastLoadedAvailable(targets, nowTicks) ?? (b.State.InFlight < a.State.InFlight ? b : a);
    }

    internal static ActiveTarget RoundRobin(ActiveGroup group, long nowTicks)
    {
        var targets = group.Targets;
        var start = group.NextCursor();
        for (var i = 0; i < targets.Length; i++)
        {
            var candidate = targets[(start + i) % targets.Length];
            if (!candidate.State.IsEjectedAt(nowTicks))
            {
                return candidate;
            }
        }

        return targets[start % targets.Length];
    }

    private static ActiveTarget? LeastLoadedAvailable(ActiveTarget[] targets, long nowTicks)
    {
        ActiveTarget? best = null;
        foreach (var target in targets)
        {
            if (!target.State.IsEjectedAt(nowTicks) && (best is null || target.State.InFlight < best.State.InFlight))
            {
                best = target;
            }
        }

        return best;
    }

    private static bool Serves(ActiveGroup group, long nowTicks, bool availableOnly)
    {
        if (group.Targets.Length == 0)
        {
            return false;
        }

        if (!availableOnly)
        {
            return true;
        }

        foreach (var target in group.Targets)
        {
            if (!target.State.IsEjectedAt(nowTicks))
            {
                return true;
            }
        }

        return false;
    }
}
