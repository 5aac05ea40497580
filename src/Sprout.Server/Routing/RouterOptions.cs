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

    /// <summary>Largest request body accepted from a client; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Where the structured access log goes (JSON lines): a file path, <c>-</c> for standard output, null (the default) for none.</summary>
    public string? AccessLogPath { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentException.ThrowIfNullOrWhiteSpace(Domain);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxRequestBodyBytes, 0);
    }
}
