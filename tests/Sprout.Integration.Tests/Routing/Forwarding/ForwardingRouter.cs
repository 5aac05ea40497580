using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Forwarding;

/// <summary>A started <see cref="RouterHost"/> with options of the test's choosing, routing one environment.</summary>
internal sealed class ForwardingRouter : IAsyncDisposable
{
    private ForwardingRouter(RouteTable table, RouterHost router, RecordingObserver observer)
    {
        Table = table;
        Router = router;
        Observer = observer;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{router.Port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public RouteTable Table { get; }

    public RouterHost Router { get; }

    public RecordingObserver Observer { get; }

    public HttpClient Client { get; }

    public static async Task<ForwardingRouter> StartAsync(Func<RouterOptions, RouterOptions>? configure = null)
    {
        var table = new RouteTable();
        var observer = new RecordingObserver();
        var options = new RouterOptions(IPAddress.Loopback, 0, "localhost") { RequestTimeout = TimeSpan.FromSeconds(10) };
        options = configure?.Invoke(options) ?? options;
        var router = await RouterHost.StartAsync(options, table, NullLoggerFactory.Instance, observer, CancellationToken.None);
        return new ForwardingRouter(table, router, observer);
    }

    /// <summary>Routes <paramref name="hostname"/> (no port) to <paramref name="targets"/>.</summary>
    public void Route(string hostname, params RouteTarget[] targets)
        => Table.SetEnvironment(EnvironmentRoute.Of("web", [hostname], targets));

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string host = "web.localhost", HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
    {
        request.Headers.Host = host;
        return Client.SendAsync(request, completion, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Router.DisposeAsync();
    }
}
