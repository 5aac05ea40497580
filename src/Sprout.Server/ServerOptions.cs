using System.Net;

namespace Sprout.Server;

/// <summary>Process-wide settings of <c>sprout server</c>; every value has an embedded default.</summary>
public sealed record ServerOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>
    /// Root keeps its data in /var/lib/sprout: apps run as an unprivileged user who must be able to
    /// traverse to their instance directories, and root's home (0700) forbids that. Other users run
    /// apps as themselves, so their home is fine.
    /// </summary>
    public static string DefaultDataDirectory(string homeDirectory) =>
        Environment.IsPrivilegedProcess ? "/var/lib/sprout" : Path.Combine(homeDirectory, ".sprout");

    /// <summary>The API listens here; loopback unless the operator says otherwise.</summary>
    public IPAddress ApiAddress { get; init; } = IPAddress.Loopback;

    public int ApiPort { get; init; } = 4510;

    /// <summary>The router (the environments' load balancer) listens here.</summary>
    public IPAddress HttpAddress { get; init; } = IPAddress.Loopback;

    public int HttpPort { get; init; } = 8080;

    /// <summary>Environments are served at <c>&lt;cname&gt;.&lt;domain&gt;</c>.</summary>
    public string Domain { get; init; } = "localhost";

    /// <summary>Largest source bundle accepted by an upload (Beanstalk allows 512 MB; we default to 500 MiB).</summary>
    public long MaxBundleBytes { get; init; } = 500L * 1024 * 1024;

    /// <summary>When the server runs as root, apps and builds run as this user. Null disables the switch.</summary>
    public string? AppUser { get; init; } = "sprout-app";

    /// <summary>First port handed to instances; each instance gets the next free one.</summary>
    public int InstancePortRangeStart { get; init; } = 20000;

    public int InstancePortRangeEnd { get; init; } = 29999;

    /// <summary>A second router port speaking HTTP/2 without TLS (h2c, prior knowledge); null for none.</summary>
    public int? Http2Port { get; init; }

    /// <summary>Peers whose X-Forwarded-* headers the router believes (addresses or CIDR networks, e.g. a load balancer in front).</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The router's JSON-lines access log: a file, <c>-</c> for standard output, null for none.</summary>
    public string? AccessLogPath { get; init; }

    public string TokenPath => Path.Combine(DataDirectory, "token");

    public string StoreDirectory => Path.Combine(DataDirectory, "store");

    public string DatabasePath => Path.Combine(StoreDirectory, "sprout.db");

    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");

    public string SlugsDirectory => Path.Combine(DataDirectory, "slugs");

    public string BuildsDirectory => Path.Combine(DataDirectory, "builds");

    public string InstancesDirectory => Path.Combine(DataDirectory, "instances");
}
