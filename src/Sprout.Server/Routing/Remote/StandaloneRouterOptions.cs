using System.Net;

namespace Sprout.Server.Routing.Remote;

/// <summary>Settings of <c>sprout router</c>: where it listens, and which control plane's table it follows.</summary>
/// <param name="Router">The listener: address, port, domain.</param>
/// <param name="Follower">The control plane and its token.</param>
public sealed record StandaloneRouterOptions(RouterOptions Router, RouteTableFollowerOptions Follower)
{
    /// <summary>How long a starting router waits for its first table before it listens anyway (with an empty one).</summary>
    public TimeSpan FirstTableTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping router lets requests in flight finish.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public static StandaloneRouterOptions Create(Uri controlPlane, string token, IPAddress address, int port, string domain)
        => new(new RouterOptions(address, port, domain), new RouteTableFollowerOptions(controlPlane, token));
}
