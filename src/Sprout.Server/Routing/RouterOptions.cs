using System.Net;

namespace Sprout.Server.Routing;

/// <summary>How the router listens and how long it waits for instances.</summary>
/// <param name="Address">The address to listen on, e.g. <see cref="IPAddress.Loopback"/>.</param>
/// <param name="Port">The port to listen on; 0 picks a free one (see <see cref="RouterHost.Port"/>).</param>
/// <param name="Domain">The domain environments live under (e.g. <c>localhost</c>); named on the 404 page.</param>
public sealed record RouterOptions(IPAddress Address, int Port, string Domain)
{
    /// <summary>
    /// How long the router waits for an instance without progress: for its response headers, and
    /// between chunks of either body. Exceeding it before the response started gives 504.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an upgraded connection (a WebSocket) may stay silent in both directions before the
    /// router closes it. Longer than <see cref="RequestTimeout"/>: idle WebSockets are normal.
    /// </summary>
    public TimeSpan UpgradedIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest request body accepted from a client; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Where the structured access log goes (JSON lines): a file path, <c>-</c> for standard output, null (the default) for none.</summary>
    public string? AccessLogPath { get; init; }

    /// <summary>
    /// Peers (load balancers, CDNs in front of the router) whose <c>X-Forwarded-*</c> headers are
    /// believed: their <c>X-Forwarded-For</c> is appended to and their <c>X-Forwarded-Proto/Host/Port</c>
    /// kept. Anyone else's values are replaced, so a client cannot spoof its address. Build entries
    /// with <see cref="Forwarding.ProxyNetworks.Parse"/> (<c>10.0.0.7</c> or <c>10.0.0.0/8</c>).
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>
    /// A second, HTTP/2-only cleartext port (prior knowledge, "h2c") for clients that speak HTTP/2
    /// without TLS; null for none, 0 for a free one (see <see cref="RouterHost.Http2Port"/>). Kestrel
    /// cannot tell h2c from HTTP/1.1 on one cleartext port, hence the separate listener.
    /// </summary>
    public int? Http2Port { get; init; }

    /// <summary>
    /// The HTTP client used towards instances: Sprout's own HTTP/1.1 client (the default) or .NET's
    /// SocketsHttpHandler. The default comes from <c>SPROUT_ROUTER_UPSTREAM</c> (<c>native</c>|<c>sockets</c>) when set.
    /// </summary>
    public RouterUpstream Upstream { get; init; } = RouterUpstreams.FromEnvironment();

    /// <summary>
    /// What carries the bytes: Sprout's epoll loops (the default) or .NET's sockets. The default comes from
    /// <c>SPROUT_ROUTER_TRANSPORT</c> (<c>epoll</c>|<c>sockets</c>) when set.
    /// </summary>
    public RouterTransport Transport { get; init; } = RouterTransports.FromEnvironment();

    /// <summary>How long a client's keep-alive connection may wait for its next request (Kestrel's default).</summary>
    public TimeSpan ClientIdleTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>How long a client may take to send a request head, and to start its first one (Kestrel's default).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether plain HTTP/1.1 requests take the direct path (<see cref="Direct.DirectHttp1Path"/>) below Kestrel's
    /// HTTP layer; everything else, and every request when off, goes through Kestrel. Needs the
    /// <see cref="RouterUpstream.Native"/> client. On unless <c>SPROUT_ROUTER_DIRECT=off</c>.
    /// </summary>
    public bool DirectPath { get; init; } =
        !string.Equals(Environment.GetEnvironmentVariable("SPROUT_ROUTER_DIRECT"), "off", StringComparison.OrdinalIgnoreCase);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentException.ThrowIfNullOrWhiteSpace(Domain);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UpgradedIdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxRequestBodyBytes, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClientIdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(TrustedProxies);
        if (!Enum.IsDefined(Transport))
        {
            throw new ArgumentOutOfRangeException(nameof(Transport), Transport, "Unknown transport.");
        }

        if (!Enum.IsDefined(Upstream))
        {
            throw new ArgumentOutOfRangeException(nameof(Upstream), Upstream, "Unknown upstream client.");
        }
        if (Http2Port is { } http2Port)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(http2Port, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(http2Port, 65535);
        }
    }
}
