using System.Globalization;
using System.Net;
using System.Text;
using Sprout.Integration.Tests.Platform;
using Sprout.Integration.Tests.Routing.Forwarding;
using Sprout.Integration.Tests.Routing.Upstream;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Direct;

/// <summary>
/// The router's direct path through real sockets: a client writing exact bytes, the router, and an instance
/// reading and writing exact bytes (<see cref="ScriptedInstance"/>).
/// </summary>
public sealed class DirectPathTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PlainGet_HeadRelayedAsSent_HopByHopDropped_RoutersHeadersAdded()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Request-Id: theirs\r\nContent-Length: 2\r\nx-app: a\r\n\r\nok");
        });
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /p%2Fq?x=1 HTTP/1.1\r\nHost: web.localhost\r\nuser-agent: raw\r\nX-Forwarded-For: 6.6.6.6\r\nKeep-Alive: 5\r\nX-Request-Id: mine-1\r\nCookie: a=1\r\n\r\n");
        var response = await client.ReadResponseAsync();

        // Names keep the client's spelling (Kestrel's path would send "User-Agent"): these bytes never became a header dictionary.
        var port = router.Router.Port.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
            $"GET /p%2Fq?x=1 HTTP/1.1\r\nHost: web.localhost\r\nuser-agent: raw\r\nCookie: a=1\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: web.localhost\r\nX-Forwarded-Port: {port}\r\nX-Request-Id: mine-1\r\n\r\n",
            Assert.Single(instance.Heads));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("ok", response.Text);
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-app: a\r\nX-Request-Id: mine-1\r\n\r\n", response.Head);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw");
        Assert.Equal((200, ForwarderError.None, 2L), (observed.StatusCode, observed.Error, observed.ResponseBytes));
    }

    [Fact]
    public async Task RequestIds_OnOneConnection_ClientsKeptAndNewOnesMade_EachTheSameUpAndBack()
    {
        await using var instance = ScriptedInstance.Start(EchoPathAsync);
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);
        var longId = new string('x', Server.Routing.Forwarding.RequestIds.MaxLength);

        // A long id first, so a shorter one after it would show any of its bytes left behind.
        var sent = new[] { longId, null, "b", null };
        var answered = new List<string>();
        foreach (var id in sent)
        {
            await client.SendAsync($"GET /{answered.Count} HTTP/1.1\r\nHost: web.localhost\r\n{(id is null ? "" : $"X-Request-Id: {id}\r\n")}\r\n");
            answered.Add((await client.ReadResponseAsync()).Header("X-Request-Id")!);
        }

        Assert.Equal(longId, answered[0]);
        Assert.Equal("b", answered[2]);
        foreach (var made in new[] { answered[1], answered[3] })
        {
            Assert.Matches("^[0-9a-z]{20}$", made);
        }

        Assert.NotEqual(answered[1], answered[3]);
        var upstream = instance.Heads.Select(head => head.Split("\r\n").Single(line => line.StartsWith("X-Request-Id: ", StringComparison.Ordinal))["X-Request-Id: ".Length..]);
        Assert.Equal(answered, upstream);
    }

    [Fact]
    public async Task PipelinedRequests_AnsweredInOrder_OnOneInstanceConnection()
    {
        await using var instance = ScriptedInstance.Start(EchoPathAsync);
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /one HTTP/1.1\r\nHost: web.localhost\r\n\r\nGET /two HTTP/1.1\r\nHost: web.localhost\r\n\r\nHEAD /three HTTP/1.1\r\nHost: web.localhost\r\n\r\n");

        Assert.Equal("/one", (await client.ReadResponseAsync()).Text);
        Assert.Equal("/two", (await client.ReadResponseAsync()).Text);
        var head = await client.ReadResponseAsync(head: true);
        Assert.Equal("6", head.Header("Content-Length"));
        Assert.Equal(1, instance.Accepted);
    }

    [Fact]
    public async Task RequestWithBody_HandsTheConnectionToKestrel_WhichServesTheRestOfIt()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is { } head)
            {
                var body = head.StartsWith("POST", StringComparison.Ordinal) ? Encoding.ASCII.GetString(await connection.ReadBytesAsync(ContentLength(head))) : "";
                var text = head[..head.IndexOf(" HTTP/", StringComparison.Ordinal)] + "|" + body;
                await connection.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {text.Length}\r\n\r\n{text}");
            }
        });
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /before HTTP/1.1\r\nHost: web.localhost\r\nuser-agent: raw\r\n\r\n");
        Assert.Equal("GET /before|", (await client.ReadResponseAsync()).Text);
        await client.SendAsync("POST /form HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: 5\r\n\r\nhello");
        Assert.Equal("POST /form|hello", (await client.ReadResponseAsync()).Text);
        await client.SendAsync("GET /after HTTP/1.1\r\nHost: web.localhost\r\nuser-agent: raw\r\n\r\n");
        Assert.Equal("GET /after|", (await client.ReadResponseAsync()).Text);

        var heads = instance.Heads.ToArray();
        Assert.Contains("\r\nuser-agent: raw\r\n", heads[0], StringComparison.Ordinal);
        // After the hand-off Kestrel parsed the request: its header dictionary spells the name its way.
        Assert.Contains("\r\nUser-Agent: raw\r\n", heads[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world", false)]
    [InlineData("HTTP/1.0 200 OK\r\n\r\nhello world", false)]
    public async Task ChunkedOrCloseDelimitedBodies_ReachTheClientChunked_AndItsConnectionLives(string response, bool instanceKeepsConnection)
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is not null)
            {
                await connection.SendAsync(response);
                if (!instanceKeepsConnection)
                {
                    return;
                }
            }
        });
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        for (var i = 0; i < 2; i++)
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            var answer = await client.ReadResponseAsync();

            Assert.Equal("hello world", answer.Text);
            Assert.Equal("chunked", answer.Header("Transfer-Encoding"));
            Assert.Null(answer.Header("Connection"));
        }

        Assert.Equal(instanceKeepsConnection ? 1 : 2, instance.Accepted);
    }

    [Fact]
    public async Task ConnectionClose_AnsweredWithClose_ThenClosed()
    {
        await using var instance = ScriptedInstance.Start(EchoPathAsync);
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /bye HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal("/bye", response.Text);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task InstanceClosingBeforeAnswering_Gives502Page_WithTheRequestId()
    {
        await using var instance = ScriptedInstance.Start(async connection => await connection.ReadHeadAsync());
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: web.localhost\r\nX-Request-Id: find-me\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal(502, response.StatusCode);
        Assert.Equal("find-me", response.Header("X-Request-Id"));
        Assert.Contains("request id find-me", response.Text, StringComparison.Ordinal);
        Assert.Equal(ForwarderError.Request, (await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw")).Error);
        // The connection survives the page.
        await client.SendAsync("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
        Assert.Equal(502, (await client.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task IdleKeepAliveConnection_ClosedAfterTheIdleTimeout()
    {
        await using var instance = ScriptedInstance.Start(EchoPathAsync);
        await using var router = await StartRouterAsync(instance, options => options with { ClientIdleTimeout = TimeSpan.FromMilliseconds(500) });
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /x HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
        Assert.Equal("/x", (await client.ReadResponseAsync()).Text);

        Assert.True(await client.ClosedAsync());
    }

    [Fact]
    public async Task HeadTrickledSlowerThanTheHeadersTimeout_ConnectionCut()
    {
        await using var instance = ScriptedInstance.Start(EchoPathAsync);
        await using var router = await StartRouterAsync(instance, options => options with { RequestHeadersTimeout = TimeSpan.FromMilliseconds(500) });
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /x HTTP/1.1\r\nHost: web.local");

        Assert.True(await client.ClosedAsync());
        Assert.Empty(instance.Heads);
    }

    [Fact]
    public async Task Shutdown_LetsTheRequestInFlightFinish_AndClosesTheConnection()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            arrived.TrySetResult();
            await release.Task;
            await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
        });
        await using var router = await StartRouterAsync(instance);
        using var client = await RawClient.ConnectAsync(router.Router.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
        await arrived.Task.WaitAsync(s_wait);

        using var patience = new CancellationTokenSource(s_wait);
        var stopping = router.Router.StopAsync(patience.Token);
        release.SetResult();

        Assert.Equal("done", (await client.ReadResponseAsync()).Text);
        Assert.True(await client.ClosedAsync());
        await stopping.WaitAsync(s_wait);
        Assert.False(patience.IsCancellationRequested);
    }

    [Fact]
    public async Task ClientThatStopsReading_IsCut_AndTheInstanceConnectionClosed()
    {
        var instanceGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            var block = new byte[64 * 1024];
            try
            {
                await connection.Socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"));
                for (var sent = 0L; sent < 1L << 30; sent += block.Length)
                {
                    await connection.Socket.SendAsync(block).WaitAsync(s_wait);
                }
            }
            catch (Exception exception) when (exception is System.Net.Sockets.SocketException or IOException)
            {
                instanceGone.TrySetResult();
            }
        });
        await using var router = await StartRouterAsync(instance, options => options with { RequestTimeout = TimeSpan.FromSeconds(1) });
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /big HTTP/1.1\r\nHost: web.localhost\r\n\r\n");

        // Never read: the router must not hold the exchange open waiting for this client.
        await instanceGone.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw");
        Assert.Contains(observed.Error, new[] { ForwarderError.ResponseBodyClient, ForwarderError.ResponseBodyTimedOut });
    }

    [Fact]
    public async Task ManyRequests_SpreadOverBothInstances_AndNoneLeftCountedInFlight()
    {
        await using var first = await TestBackend.StartAsync("i-1");
        await using var second = await TestBackend.StartAsync("i-2");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", first, second);
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        var served = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            served.Add((await client.ReadResponseAsync()).Header("X-Backend")!);
        }

        Assert.Equal(["i-1", "i-2"], served.Distinct().Order());
        // The last response reaches the client before the router's thread leaves the exchange and counts it out.
        var inFlight = await Poll.UntilAsync(
            () => Task.FromResult((router.Targets.InFlightOf("i-1"), router.Targets.InFlightOf("i-2"))),
            counts => counts == (0, 0),
            TimeSpan.FromSeconds(5),
            "no request counted in flight");
        Assert.Equal((0, 0), inFlight);
    }

    [Fact]
    public async Task DirectPathOff_EveryRequestGoesThroughKestrel()
    {
        await using var instance = ScriptedInstance.Start(EchoPathAsync);
        await using var router = await StartRouterAsync(instance, options => options with { DirectPath = false });
        using var client = await RawClient.ConnectAsync(router.Router.Port);

        await client.SendAsync("GET /k HTTP/1.1\r\nHost: web.localhost\r\nuser-agent: raw\r\n\r\n");

        Assert.Equal("/k", (await client.ReadResponseAsync()).Text);
        Assert.Contains("\r\nUser-Agent: raw\r\n", Assert.Single(instance.Heads), StringComparison.Ordinal);
    }

    private static int ContentLength(string head)
    {
        var line = head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return int.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task EchoPathAsync(ScriptedInstance.Connection connection)
    {
        while (await connection.ReadHeadAsync() is { } head)
        {
            var path = head.Split(' ')[1];
            await connection.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {path.Length}\r\n\r\n{path}");
        }
    }

    private static async Task<ForwardingRouter> StartRouterAsync(ScriptedInstance instance, Func<RouterOptions, RouterOptions>? configure = null)
    {
        var router = await ForwardingRouter.StartAsync(options => configure?.Invoke(options with { DirectPath = true }) ?? options with { DirectPath = true });
        router.Route("web.localhost", instance.Target);
        return router;
    }
}
