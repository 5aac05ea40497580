using System.Collections.Frozen;

namespace Sprout.Server.Routing;

/// <summary>An immutable routing table; a request sees one snapshot from start to end.</summary>
public sealed class RouteSnapshot
{
    public static RouteSnapshot Empty { get; } = new(0, FrozenDictionary<string, EnvironmentRoute>.Empty);

    private readonly FrozenDictionary<string, EnvironmentRoute>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public RouteSnapshot(long version, FrozenDictionary<string, EnvironmentRoute> byHostname)
    {
        ArgumentNullException.ThrowIfNull(byHostname);
        Version = version;
        // The hot path looks hostnames up straight from the Host header's characters, without
        // lower-casing or slicing into a new string; that needs an ignore-case, span-capable comparer.
        ByHostname = ReferenceEquals(byHostname.Comparer, StringComparer.OrdinalIgnoreCase)
            ? byHostname
            : byHostname.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _bySpan = ByHostname.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Increases with every publish; lets a remote router ask "anything newer than N?".</summary>
    public long Version { get; }

    /// <summary>Lower-case hostname (no port) to route. Lookups ignore case.</summary>
    public FrozenDictionary<string, EnvironmentRoute> ByHostname { get; }

    /// <summary>Finds the environment serving <paramref name="hostname"/> (no port), ignoring case.</summary>
    public bool TryGetRoute(ReadOnlySpan<char> hostname, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EnvironmentRoute? route)
        => _bySpan.TryGetValue(hostname, out route);
}
