using Sprout.Server.Routing.Epoll;

namespace Sprout.Server.Routing;

/// <summary>What carries the router's bytes (<see cref="RouterOptions.Transport"/>): client connections and, with the native client, instance connections.</summary>
public enum RouterTransport
{
    /// <summary>.NET's sockets: Kestrel's socket transport and <see cref="System.Net.Sockets.Socket"/> towards instances (kept to compare and as a fallback).</summary>
    Sockets,

    /// <summary>
    /// Sprout's own epoll loops (<c>Routing/Epoll/</c>, Linux x64 only; elsewhere <see cref="Sockets"/> is used):
    /// a receive waits for readiness instead of trying first, so each request costs one receive per side. The default.
    /// </summary>
    Epoll,
}

/// <summary>Reads <c>SPROUT_ROUTER_TRANSPORT</c> (<c>sockets</c> or <c>epoll</c>) for the default of <see cref="RouterOptions.Transport"/>.</summary>
internal static class RouterTransports
{
    public const string Variable = "SPROUT_ROUTER_TRANSPORT";

    public static RouterTransport FromEnvironment()
        => Enum.TryParse<RouterTransport>(Environment.GetEnvironmentVariable(Variable), ignoreCase: true, out var transport) && Enum.IsDefined(transport)
            ? transport
            : RouterTransport.Epoll;

    /// <summary>The transport that will actually run: epoll only where its native layout is known.</summary>
    public static RouterTransport Effective(RouterTransport requested)
        => requested == RouterTransport.Epoll && !EpollNative.IsSupported ? RouterTransport.Sockets : requested;
}
