using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing;

public sealed class RouterHostTests
{
    [Fact]
    public async Task Request_KnownHosts_RoutesEachHostToItsEnvironment()
    {
        await using var blue = await TestBackend.StartAsync("blue-1");
        await using var green = await TestBackend.StartAsync("green-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("blue", "blue.localhost", blue);
        router.SetEnvironment("green", "green.localhost", green);

        using var toBlue = await router.GetAsync("blue.localhost");
        using var toGreen = await router.GetAsync("GREEN.localhost:8080");

        Assert.Equal(HttpStatusCode.OK, toBlue.StatusCode);
        Assert.Equal("blue-1", (await RouterTestContext.ReadJsonAsync(toBlue)).GetProperty("backend").GetString());
        Assert.Equal(HttpStatusCode.OK, toGreen.StatusCode);
        Assert.Equal("green-1", (await RouterTestContext.ReadJsonAsync(toGreen)).GetProperty("backend").GetString());
        var observed = await router.Observer.WaitForAsync(r => r.EnvironmentName == "green");
        Assert.Equal(("green-1", 200, ForwarderError.None), (observed.InstanceId, observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task Request_UnknownHost_Returns404NamingTheHost()
    {
        await using var router = await RouterTestContext.StartAsync();

        using var response = await router.GetAsync("nobody.localhost");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("nobody.localhost", page, StringComparison.Ordinal);
        Assert.Contains("No environment answers", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPage_NameWithMarkup_IsHtmlEncoded()
    {
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("<script>x</script>", "empty.localhost");

        using var response = await router.GetAsync("empty.localhost");

        var page = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_EnvironmentWithoutTargets_Returns503NamingTheEnvironment()
    {
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("empty-env", "empty.localhost");

        using var response = await router.GetAsync("empty.localhost");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("empty-env", page, StringComparison.Ordinal);
        Assert.Contains("no healthy instance", page, StringComparison.OrdinalIgnoreCase);
        var observed = await router.Observer.WaitForAsync(r => r.EnvironmentName == "empty-env");
        Assert.Equal((503, ForwarderError.NoAvailableTargets, ""), (observed.StatusCode, observed.Error, observed.InstanceId));
    }

    [Fact]
    public async Task Request_TwoTargetsRoundRobin_Alternates()
    {
        await using var first = await TestBackend.StartAsync("i-1");
        await using var second = await TestBackend.StartAsync("i-2");
        await using var router = await RouterTestContext.StartAsync();
        router.Table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [first.Target, second.Target]) with
        {
            Policy = new RoutePolicy { Algorithm = LoadBalancingAlgorithm.RoundRobin },
        });

        var served = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await router.GetAsync("web.localhost");
            served.Add(response.Headers.GetValues("X-Backend").Single());
        }

        Assert.Equal(["i-1", "i-2", "i-1", "i-2", "i-1", "i-2"], served);
    }

    [Fact]
    public async Task Request_Headers_HopByHopAndConnectionNamedRemoved_ForwardedSet_HostKept()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/inspect");
        request.Headers.Connection.Add("X-Client-Secret");
        request.Headers.TryAddWithoutValidation("X-Client-Secret", "hop-only");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic Zm9vOmJhcg==");
        request.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("Trailer", "X-Checksum");
        request.Headers.TryAddWithoutValidation("Upgrade", "h2c");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");

        using var response = await router.SendAsync(request, "web.localhost:8080");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await RouterTestContext.ReadJsonAsync(response)).GetProperty("headers");
        foreach (var removed in new[] { "X-Client-Secret", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Upgrade" })
        {
            Assert.False(headers.TryGetProperty(removed, out _), $"{removed} reached the instance");
        }

        Assert.Equal("kept", headers.GetProperty("X-Custom").GetString());
        Assert.Equal("web.localhost:8080", headers.GetProperty("Host").GetString());
        // Not a trusted proxy: what the client claimed is replaced by the address it came from.
        Assert.Equal("127.0.0.1", headers.GetProperty("X-Forwarded-For").GetString());
        Assert.Equal("http", headers.GetProperty("X-Forwarded-Proto").GetString());
        Assert.Equal("web.localhost:8080", headers.GetProperty("X-Forwarded-Host").GetString());
        Assert.Equal(router.Router.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), headers.GetProperty("X-Forwarded-Port").GetString());
    }

    [Fact]
    public async Task Response_Headers_HopByHopAndConnectionNamedRemoved()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);

        using var response = await router.GetAsync("web.localhost", "/hop-by-hop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("visible", response.Headers.GetValues("X-Backend-Public").Single());
        Assert.False(response.Headers.Contains("X-Backend-Secret"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.False(response.Headers.Contains("Proxy-Authenticate"));
        Assert.Single(response.Headers.NonValidated["Date"]);
        Assert.Equal("i-1", response.Headers.GetValues("X-Backend").Single());
    }

    [Fact]
    public async Task Request_PathAndQuery_ForwardedWithRawEncoding()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);

        using var response = await router.GetAsync("web.localhost", "/a%2Fb/c%20d?q=x%26y&r=1+2");

        var raw = (await RouterTestContext.ReadJsonAsync(response)).GetProperty("rawTarget").GetString();
        Assert.Equal("/a%2Fb/c%20d?q=x%26y&r=1+2", raw);
    }

    [Fact]
    public async Task Post_LargeBody_StreamsBothWays()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        var body = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-test");

        using var response = await router.SendAsync(request, "web.localhost");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-test", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_ChunkedBody_StreamsBothWays()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        var body = RandomNumberGenerator.GetBytes(300 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = new StreamContent(new NonSeekableStream(body)) };
        request.Headers.TransferEncodingChunked = true;

        using var response = await router.SendAsync(request, "web.localhost");

        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("GET", 204)]
    [InlineData("GET", 304)]
    [InlineData("HEAD", 200)]
    public async Task Response_WithoutBody_StatusAndHeadersForwarded(string method, int status)
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);

        using var response = await router.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/status/{status}"), "web.localhost");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("\"v1\"", response.Headers.ETag?.Tag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_BodyTheInstanceIgnores_AnsweredAndNextRequestStillServed()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);

        // Many times: the client is often still sending when the exchange ends, and whether the router then
        // drains the rest or breaks the connection under it once depended on timing (about 1 in 20).
        for (var i = 0; i < 50; i++)
        {
            using var ignored = await router.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "/status/200") { Content = new ByteArrayContent(new byte[2 * 1024 * 1024]) }, "web.localhost");
            using var next = await router.GetAsync("web.localhost");

            Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }
    }

    [Fact]
    public async Task Request_BackendPortClosed_Returns502NamingTheInstance()
    {
        await using var router = await RouterTestContext.StartAsync();
        router.Table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [new RouteTarget("i-dead", "127.0.0.1", RouterTestContext.ClosedPort())]));

        using var response = await router.GetAsync("web.localhost");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("i-dead", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-dead");
        Assert.Equal((502, ForwarderError.ConnectionRefused), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task Request_BackendSlowerThanTimeout_Returns504()
    {
        await using var backend = await TestBackend.StartAsync("i-slow");
        await using var router = await RouterTestContext.StartAsync(requestTimeout: TimeSpan.FromMilliseconds(300));
        router.SetEnvironment("web", "web.localhost", backend);

        using var response = await router.GetAsync("web.localhost", "/slow");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("i-slow", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-slow");
        Assert.Equal((504, ForwarderError.RequestTimedOut), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task InFlight_CountsARequestUntilItEnds_EvenAfterTheTargetLeavesTheTable()
    {
        await using var backend = await TestBackend.StartAsync("i-slow");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slow");
        request.Headers.Host = "web.localhost";
        using var giveUp = new CancellationTokenSource();
        Assert.Equal(0, router.Targets.InFlightOf("i-slow"));

        var sending = router.Client.SendAsync(request, giveUp.Token);
        await backend.SlowRequestArrived.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, router.Targets.InFlightOf("i-slow"));

        // Deregistered (as draining does): new requests cannot reach it, the one in flight still counts.
        router.Table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], []));
        Assert.Equal(1, router.Targets.InFlightOf("i-slow"));

        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await router.Observer.WaitForAsync(r => r.InstanceId == "i-slow");
        Assert.Equal(0, router.Targets.InFlightOf("i-slow"));
    }

    [Fact]
    public async Task Request_ClientGivesUpWhileWaiting_RecordedAsCanceled()
    {
        await using var backend = await TestBackend.StartAsync("i-slow");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slow");
        request.Headers.Host = "web.localhost";
        using var giveUp = new CancellationTokenSource();

        var sending = router.Client.SendAsync(request, giveUp.Token);
        await backend.SlowRequestArrived.WaitAsync(TimeSpan.FromSeconds(10));
        giveUp.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-slow");
        Assert.Equal((499, ForwarderError.RequestCanceled), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task Response_BackendDiesMidBody_ClientConnectionAborted()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/truncated");
        request.Headers.Host = "web.localhost";

        using var response = await router.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var firstBytes = new byte[64];
        var firstRead = await body.ReadAsync(firstBytes);
        // Only now, with the response on the wire, does the instance die.
        backend.ReleaseTruncatedResponse();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(firstRead > 0);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (await body.ReadAsync(firstBytes) > 0)
            {
            }
        });
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-1");
        Assert.Equal(ForwarderError.ResponseBodyDestination, observed.Error);
    }

    [Fact]
    public async Task Request_BodyLargerThanLimit_Returns413()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        var table = new RouteTable();
        var options = new RouterOptions(IPAddress.Loopback, 0, "localhost") { MaxRequestBodyBytes = 1024 };
        await using var router = await RouterHost.StartAsync(options, table, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [backend.Target]));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{router.Port}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = new ByteArrayContent(new byte[4096]) };
        request.Headers.Host = "web.localhost";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Request_AfterTableSwap_UsesNewSnapshotWithHigherVersion()
    {
        await using var oldBackend = await TestBackend.StartAsync("i-old");
        await using var newBackend = await TestBackend.StartAsync("i-new");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", oldBackend);
        var before = router.Table.Current;
        using var first = await router.GetAsync("web.localhost");

        router.SetEnvironment("web", "web.localhost", newBackend);
        using var second = await router.GetAsync("web.localhost");

        Assert.True(router.Table.Current.Version > before.Version);
        Assert.Equal("i-old", first.Headers.GetValues("X-Backend").Single());
        Assert.Equal("i-new", second.Headers.GetValues("X-Backend").Single());
        Assert.Equal("i-old", before.ByHostname["web.localhost"].AllTargets.Single().InstanceId);
    }

    [Fact]
    public async Task Request_EnvironmentRemoved_Returns404()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", backend);
        router.Table.RemoveEnvironment("web");

        using var response = await router.GetAsync("web.localhost");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
