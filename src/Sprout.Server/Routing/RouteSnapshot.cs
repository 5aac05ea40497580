using System.Collections.Frozen;

namespace Sprout.Server.Routing;

/// <summary>An immutable routing table; a request sees one snapshot from start to end.</summary>
public sealed class RouteSnapshot
{
    public static RouteSnapshot Empty { get; } = new(0, FrozenDictionary<string, EnvironmentRoute>.Empty);

    public RouteSnapshot(long version, FrozenDictionary<string, EnvironmentRoute> byHostname)
    {
        Version = version;
        ByHostname = byHostname;
    }

    /// <summary>Increases with every publish; lets a remote router ask "anything newer than N?".</summary>
    public long Version { get; }

    /// <summary>Lower-case hostname (no port) to route.</summary>
    public FrozenDictionary<string, EnvironmentRoute> ByHostname { get; }
}
