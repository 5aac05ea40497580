using System.Net;

namespace Sprout.Server.Routing;

/// <summary>The one connection pool the router shares across all instances.</summary>
internal static class RouterHttpClientFactory
{
    // HttpMessageInvoker, not HttpClient: HttpClient would impose its own timeout and buffering.
    public static HttpMessageInvoker Create()
        => new(
            new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
                // The client's own trace headers are forwarded as they came; don't add a second set.
                ActivityHeadersPropagator = null,
            },
            disposeHandler: true);
}
