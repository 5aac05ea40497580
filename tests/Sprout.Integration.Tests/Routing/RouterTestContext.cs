using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Targets;

namespace Sprout.Integration.Tests.Routing;

/// <summary>A started router over a fresh <see cref="RouteTable"/>, plus a client that talks to it by Host header.</summary>
internal sealed class RouterTestContext : IAsyncDisposable
{
    private RouterTestContext(RouteTable table, RouterHost router, RecordingObserver observer)
    {
        Table = table;
        Router = router;
        Observer = observer;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{router.Port}"),
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    public RouteTable Table { get; }

    /// <summary>The live state of every target (in flight, ejection).</summary>
    public TargetStates Targets => Table.States;

    public RouterHost Router { get; }

    public RecordingObserver Observer { get; }

    public HttpClient Client { get; }

    public static async Task<RouterTestContext> StartAsync(TimeSpan? requestTimeout = null, TargetStates? targets = null, string? accessLogPath = null)
    {
        var table = new RouteTable(targets ?? new TargetStates());
        var observer = new RecordingObserver();
        var options = new RouterOptions(IPAddress.Loopback, 0, "localhost") { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10), AccessLogPath = accessLogPath };
        var router = await RouterHost.StartAsync(options, table, NullLoggerFactory.Instance, observer, CancellationToken.None);
        return new RouterTestContext(table, router, observer);
    }

    public void SetEnvironment(string name, string hostname, params TestBackend[] backends)
        => Table.SetEnvironment(EnvironmentRoute.Of(name, [hostname], backends.Select(b => b.Target).ToArray()));

    public Task<HttpResponseMessage> GetAsync(string host, string pathAndQuery = "/")
        => SendAsync(new HttpRequestMessage(HttpMethod.Get, pathAndQuery), host);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string host)
    {
        request.Headers.Host = host;
        return Client.SendAsync(request);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Router.DisposeAsync();
    }
}
