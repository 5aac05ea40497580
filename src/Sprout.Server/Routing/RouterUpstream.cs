namespace Sprout.Server.Routing;

/// <summary>Which HTTP client the router uses towards instances (<see cref="RouterOptions.Upstream"/>).</summary>
public enum RouterUpstream
{
    /// <summary>
    /// Sprout's own HTTP/1.1 client (<c>Routing/Upstream/</c>) for ordinary requests; protocol upgrades
    /// (WebSockets) still go through <see cref="Sockets"/>. The default: it costs far less per request.
    /// </summary>
    Native,

    /// <summary>.NET's <c>SocketsHttpHandler</c> for everything: the previous path, kept to compare and as a fallback.</summary>
    Sockets,
}

/// <summary>Reads <c>SPROUT_ROUTER_UPSTREAM</c> (<c>native</c> or <c>sockets</c>) for the default of <see cref="RouterOptions.Upstream"/>.</summary>
internal static class RouterUpstreams
{
    public const string Variable = "SPROUT_ROUTER_UPSTREAM";

    public static RouterUpstream FromEnvironment()
        => Enum.TryParse<RouterUpstream>(Environment.GetEnvironmentVariable(Variable), ignoreCase: true, out var upstream) && Enum.IsDefined(upstream)
            ? upstream
            : RouterUpstream.Native;
}
