using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Integration.Tests.Routing.Forwarding;

public sealed class ForwardingTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WebSocket_Echo_ThroughTheRouter()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-ws");
        await using var router = await ForwardingRouter.StartAsync();
        // The WebSocket client sends the address it dials as Host; route that.
        router.Route("127.0.0.1", backend.Target);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{router.Router.Port}/ws"), CancellationToken.None);
        var echoes = new List<string>();
        foreach (var message in new[] { "hello", new string('x', 100_000) })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            echoes.Add(await ReceiveTextAsync(socket));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal(["hello", new string('x', 100_000)], echoes);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await backend.WebSocketClosedWith.Task.WaitAsync(s_wait));
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-ws");
        Assert.Equal((101, ForwarderError.None), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task WebSocket_Closing_BothSidesGetGoingAway()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-ws");
        await using var forwarder = await ForwarderHost.StartAsync(backend.Target);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{forwarder.Port}/ws"), CancellationToken.None);
        await socket.SendAsync("before"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        Assert.Equal("before", await ReceiveTextAsync(socket));

        await forwarder.Closing.CancelAsync();

        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).WaitAsync(s_wait);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await backend.WebSocketClosedWith.Task.WaitAsync(s_wait));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await WaitUntilAsync(() => !forwarder.Results.IsEmpty);
        Assert.Equal([ForwarderError.None], forwarder.Results);
    }

    [Fact]
    public async Task WebSocket_TargetDrainEnds_RouterClosesItWithGoingAway()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-ws");
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("127.0.0.1", backend.Target);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{router.Router.Port}/ws"), CancellationToken.None);
        await socket.SendAsync("before"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        Assert.Equal("before", await ReceiveTextAsync(socket));
        Assert.Equal(1, router.Table.States.InFlightOf("i-ws"));

        // What draining does when the deregistration delay is over: out of the table, long-lived connections closed.
        router.Table.SetEnvironment(EnvironmentRoute.Of("web", ["127.0.0.1"], []));
        router.Table.States.CloseConnections("i-ws");

        var received = await socket.ReceiveAsync(new ArraySegment<byte>(new byte[1024]), CancellationToken.None).WaitAsync(s_wait);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await backend.WebSocketClosedWith.Task.WaitAsync(s_wait));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await router.Observer.WaitForAsync(r => r.InstanceId == "i-ws");
    }

    [Fact]
    public async Task WebSocket_SilentLongerThanIdleTimeout_BothSidesGetGoingAway()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-ws");
        var options = new RouterOptions(IPAddress.Loopback, 0, "localhost") { UpgradedIdleTimeout = TimeSpan.FromMilliseconds(300) };
        await using var forwarder = await ForwarderHost.StartAsync(backend.Target, options);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{forwarder.Port}/ws"), CancellationToken.None);

        var received = await socket.ReceiveAsync(new ArraySegment<byte>(new byte[64]), CancellationToken.None).WaitAsync(s_wait);

        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await backend.WebSocketClosedWith.Task.WaitAsync(s_wait));
        await WaitUntilAsync(() => !forwarder.Results.IsEmpty);
        Assert.Equal([ForwarderError.UpgradeIdleTimedOut], forwarder.Results);
    }

    [Fact]
    public async Task Upgrade_AnyProtocol_BridgedByteForByte()
    {
        // An instance speaking a made-up protocol after 101: it echoes whatever it is sent.
        using var instance = new TcpListener(IPAddress.Loopback, 0);
        instance.Start();
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("web.localhost", new RouteTarget("i-echo", "127.0.0.1", ((IPEndPoint)instance.LocalEndpoint).Port));
        var serving = Task.Run(async () =>
        {
            using var accepted = await instance.AcceptSocketAsync();
            var head = await ReadRequestHeadAsync(accepted);
            Assert.Contains("Upgrade: echo", head, StringComparison.OrdinalIgnoreCase);
            await accepted.SendAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"u8.ToArray());
            var buffer = new byte[1024];
            int read;
            while ((read = await accepted.ReceiveAsync(buffer)) > 0)
            {
                await accepted.SendAsync(buffer.AsMemory(0, read));
            }
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, router.Router.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /raw HTTP/1.1\r\nHost: web.localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"u8.ToArray());
        var responseHead = await ReadRequestHeadAsync(client.Client);
        await stream.WriteAsync("ping"u8.ToArray());
        var echoed = new byte[4];
        await stream.ReadExactlyAsync(echoed).AsTask().WaitAsync(s_wait);
        client.Client.Shutdown(SocketShutdown.Send);
        await serving.WaitAsync(s_wait);

        Assert.StartsWith("HTTP/1.1 101", responseHead, StringComparison.Ordinal);
        Assert.Contains("Upgrade: echo", responseHead, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("ping", Encoding.ASCII.GetString(echoed));
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-echo");
        Assert.Equal((101, ForwarderError.None), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task Request_TargetDiesAfterReceivingIt_Returns502()
    {
        // The instance reads the request and its process dies: the kernel resets the connection.
        using var dying = new TcpListener(IPAddress.Loopback, 0);
        dying.Start();
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("web.localhost", new RouteTarget("i-dies", "127.0.0.1", ((IPEndPoint)dying.LocalEndpoint).Port));

        var sending = router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/work"));
        using (var accepted = await dying.AcceptSocketAsync().WaitAsync(s_wait))
        {
            await ReadRequestHeadAsync(accepted);
            accepted.LingerState = new LingerOption(enable: true, seconds: 0);
        }

        using var response = await sending;
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("i-dies", page, StringComparison.Ordinal);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-dies");
        Assert.Equal((502, ForwarderError.Request), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task Request_ClientDisconnects_UpstreamRequestCanceled()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-slow");
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("web.localhost", backend.Target);
        using var giveUp = new CancellationTokenSource();

        var sending = router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/slow"), cancellationToken: giveUp.Token);
        await backend.SlowRequestArrived.Task.WaitAsync(s_wait);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await backend.SlowRequestAborted.Task.WaitAsync(s_wait);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-slow");
        Assert.Equal((499, ForwarderError.RequestCanceled), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task Request_Http2Client_ServedOverItsOwnPort()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-1");
        await using var router = await ForwardingRouter.StartAsync(options => options with { Http2Port = 0 });
        router.Route("web.localhost", backend.Target);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var http2Port = Assert.IsType<int>(router.Router.Http2Port);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{http2Port}/count")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[300_000]),
        };
        request.Headers.Host = "web.localhost";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("300000", await response.Content.ReadAsStringAsync());
        Assert.Equal("i-1", response.Headers.GetValues("X-Backend").Single());
        Assert.Equal("web.localhost", backend.LastRequestHeaders!.Host.ToString());
        Assert.NotEqual(router.Router.Port, http2Port);
    }

    [Fact]
    public async Task RequestId_Absent_GeneratedAndSentBothWays()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-1");
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("web.localhost", backend.Target);

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        var id = response.Headers.GetValues(RequestIds.HeaderName).Single();
        Assert.Equal(20, id.Length);
        Assert.Equal(id, backend.LastRequestHeaders![RequestIds.HeaderName].ToString());
    }

    [Theory]
    [InlineData("client-id-1", true)]
    [InlineData("has\u007fcontrol", false)]
    public async Task RequestId_FromClient_KeptOnlyWhenSane(string clientId, bool kept)
    {
        await using var backend = await ForwardingBackend.StartAsync("i-1");
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("web.localhost", backend.Target);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation(RequestIds.HeaderName, clientId);

        using var response = await router.SendAsync(request);

        var id = response.Headers.GetValues(RequestIds.HeaderName).Single();
        Assert.Equal(kept, id == clientId);
        Assert.Equal(id, backend.LastRequestHeaders![RequestIds.HeaderName].ToString());
    }

    [Fact]
    public async Task RequestId_OnErrorPage_HeaderAndText()
    {
        await using var router = await ForwardingRouter.StartAsync();
        router.Route("web.localhost", new RouteTarget("i-dead", "127.0.0.1", RouterTestContext.ClosedPort()));

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var id = response.Headers.GetValues(RequestIds.HeaderName).Single();
        Assert.Contains(id, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task XForwarded_TrustedPeer_AppendedAndKept()
    {
        await using var backend = await ForwardingBackend.StartAsync("i-1");
        await using var router = await ForwardingRouter.StartAsync(options => options with { TrustedProxies = [ProxyNetworks.Parse("127.0.0.0/8")] });
        router.Route("web.localhost", backend.Target);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "www.example.com");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Port", "443");

        using var response = await router.SendAsync(request);

        var seen = backend.LastRequestHeaders!;
        Assert.Equal("203.0.113.7, 127.0.0.1", seen["X-Forwarded-For"].ToString());
        Assert.Equal(("https", "www.example.com", "443"), (seen["X-Forwarded-Proto"].ToString(), seen["X-Forwarded-Host"].ToString(), seen["X-Forwarded-Port"].ToString()));
    }

    private static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).WaitAsync(s_wait);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(message.ToArray());
    }

    /// <summary>Reads up to the blank line ending an HTTP head, one byte at a time so nothing after it is consumed.</summary>
    private static async Task<string> ReadRequestHeadAsync(Socket socket)
    {
        var buffer = new byte[1];
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer).WaitAsync(s_wait);
            if (read == 0)
            {
                break;
            }

            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
