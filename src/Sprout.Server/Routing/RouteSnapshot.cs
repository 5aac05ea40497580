using System.Collections.Frozen;
using Sprout.Server.Routing.Balancing;
using Sprout.Server.Routing.Targets;

namespace Sprout.Server.Routing;

/// <summary>An immutable routing table; a request sees one snapshot from start to end.</summary>
public sealed class RouteSnapshot
{
    public static RouteSnapshot Empty { get; } = new(0, FrozenDictionary<string, EnvironmentRoute>.Empty);

    private readonly FrozenDictionary<string, ActiveRoute>.AlternateLookup<ReadOnlySpan<char>> _active;

    public RouteSnapshot(long version, FrozenDictionary<string, EnvironmentRoute> byHostname)
        : this(version, byHostname, new TargetStates())
    {
    }

    internal RouteSnapshot(long version, FrozenDictionary<string, EnvironmentRoute> byHostname, TargetStates states)
    {
        ArgumentNullException.ThrowIfNull(byHostname);
        ArgumentNullException.ThrowIfNull(states);
        Version = version;
        // The hot path looks hostnames up straight from the Host header's characters, without
        // lower-casing or slicing into a new string; that needs an ignore-case, span-capable comparer.
        ByHostname = ReferenceEquals(byHostname.Comparer, StringComparer.OrdinalIgnoreCase)
            ? byHostname
            : byHostname.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        // One active route per environment route, shared by all of its hostnames (and their counters).
        var active = new Dictionary<EnvironmentRoute, ActiveRoute>(ReferenceEqualityComparer.Instance);
        _active = ByHostname
            .ToFrozenDictionary(
                pair => pair.Key,
                pair => active.TryGetValue(pair.Value, out var existing) ? existing : active[pair.Value] = new ActiveRoute(pair.Value, states),
                StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Increases with every publish; lets a remote router ask "anything newer than N?".</summary>
    public long Version { get; }

    /// <summary>Lower-case hostname (no port) to route. Lookups ignore case.</summary>
    public FrozenDictionary<string, EnvironmentRoute> ByHostname { get; }

    /// <summary>Finds the environment serving <paramref name="hostname"/> (no port), ignoring case.</summary>
    public bool TryGetRoute(ReadOnlySpan<char> hostname, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EnvironmentRoute? route)
    {
        var found = _active.TryGetValue(hostname, out var active);
        route = active?.Route;
        return found;
    }

    internal bool TryGetActiveRoute(ReadOnlySpan<char> hostname, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ActiveRoute? route)
        => _active.TryGetValue(hostname, out route);
}
