using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sprout.Integration.Tests.Platform;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Balancing;

/// <summary>Balancing, stickiness, passive ejection, draining and the access log through a real router and real sockets.</summary>
public sealed class RouterBalancingTests
{
    private static readonly RoutePolicy RoundRobin = new() { Algorithm = LoadBalancingAlgorithm.RoundRobin };

    [Fact]
    public async Task Sticky_FirstResponseSetsTheCookie_AndTheClientStaysOnThatInstance()
    {
        await using var first = await TestBackend.StartAsync("i-1");
        await using var second = await TestBackend.StartAsync("i-2");
        await using var router = await RouterTestContext.StartAsync();
        router.Table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [first.Target, second.Target]) with
        {
            Policy = new RoutePolicy { StickinessDuration = TimeSpan.FromSeconds(600) },
        });

        using var firstResponse = await router.GetAsync("web.localhost");
        var instance = firstResponse.Headers.GetValues("X-Backend").Single();
        var cookie = firstResponse.Headers.GetValues("Set-Cookie").Single();
        Assert.Equal($"AWSALB={instance}; Max-Age=600; Path=/; HttpOnly", cookie);

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("Cookie", $"session=abc; AWSALB={instance}");
            using var response = await router.SendAsync(request, "web.localhost");
            Assert.Equal(instance, response.Headers.GetValues("X-Backend").Single());
            Assert.False(response.Headers.Contains("Set-Cookie"), "a client already on its instance gets no new cookie");
        }
    }

    [Fact]
    public async Task TargetKilledMidRequest_Gives502_AndTheNextRequestsGoToTheHealthyTarget()
    {
        await using var dying = await DyingBackend.StartAsync();
        await using var healthy = await TestBackend.StartAsync("i-healthy");
        await using var router = await RouterTestContext.StartAsync();
        router.Table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [new RouteTarget("i-dying", "127.0.0.1", dying.Port), healthy.Target]) with { Policy = RoundRobin });

        using var killed = await router.GetAsync("web.localhost");
        Assert.Equal(HttpStatusCode.BadGateway, killed.StatusCode);
        Assert.True(await dying.Killed.WaitAsync(TimeSpan.FromSeconds(5)), "the request must have reached the target before it died");
        Assert.True(router.Targets.Get("i-dying").IsEjected);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-dying");
        Assert.Equal(ForwarderError.Request, observed.Error); // reset mid-request, not refused

        for (var i = 0; i < 10; i++)
        {
            using var response = await router.GetAsync("web.localhost");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("i-healthy", response.Headers.GetValues("X-Backend").Single());
        }
    }

    [Fact]
    public async Task DrainingATargetUnderLoad_DropsNoRequest()
    {
        await using var leaving = await TestBackend.StartAsync("i-leaving");
        await using var staying = await TestBackend.StartAsync("i-staying");
        await using var router = await RouterTestContext.StartAsync();
        router.SetEnvironment("web", "web.localhost", leaving, staying);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var served = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await router.GetAsync("web.localhost", "/?delay=20");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}");
                    }
                    else
                    {
                        served.AddOrUpdate(response.Headers.GetValues("X-Backend").Single(), 1, (_, n) => n + 1);
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    failures.Enqueue(e.Message);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        })).ToArray();

        await Poll.UntilAsync(() => Task.FromResult(served.GetValueOrDefault("i-leaving")), n => n >= 20, TimeSpan.FromSeconds(10), "load to reach the leaving target");
        // Deregister, wait for its in-flight requests, stop it: what draining does.
        router.SetEnvironment("web", "web.localhost", staying);
        await Poll.UntilAsync(() => Task.FromResult(router.Targets.InFlightOf("i-leaving")), n => n == 0, TimeSpan.FromSeconds(10), "in-flight requests to finish");
        router.Targets.CloseConnections("i-leaving");
        await leaving.DisposeAsync();
        var servedByStayingAtStop = served.GetValueOrDefault("i-staying");
        await Poll.UntilAsync(() => Task.FromResult(served.GetValueOrDefault("i-staying")), n => n >= servedByStayingAtStop + 50, TimeSpan.FromSeconds(10), "load to go on after the drain");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Observer_HearsTheGroupAndBodyBytesEachWay()
    {
        await using var backend = await TestBackend.StartAsync("i-1");
        await using var router = await RouterTestContext.StartAsync();
        router.Table.SetEnvironment(new EnvironmentRoute("web", ["web.localhost"], [new TargetGroup("blue", 100, [backend.Target])]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = new ByteArrayContent(new byte[12_345]) };

        using var response = await router.SendAsync(request, "web.localhost");

        Assert.Equal(12_345, (await response.Content.ReadAsByteArrayAsync()).Length);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-1");
        Assert.Equal(("blue", 12_345L, 12_345L), (observed.GroupName, observed.RequestBytes, observed.ResponseBytes));
    }

    [Fact]
    public async Task AccessLog_WritesOneJsonLinePerRoutedRequest()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sprout-access-{Guid.NewGuid():N}.log");
        try
        {
            await using var backend = await TestBackend.StartAsync("i-1");
            await using (var router = await RouterTestContext.StartAsync(accessLogPath: path))
            {
                router.SetEnvironment("web", "web.localhost", backend);
                (await router.GetAsync("web.localhost", "/a?b=c")).Dispose();
                (await router.GetAsync("web.localhost", "/status/404")).Dispose();
            }

            var lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(2, lines.Length);
            using var first = JsonDocument.Parse(lines[0]);
            Assert.Equal("/a?b=c", first.RootElement.GetProperty("path").GetString());
            Assert.Equal(200, first.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("web", first.RootElement.GetProperty("environment").GetString());
            Assert.Equal("i-1", first.RootElement.GetProperty("instance").GetString());
            Assert.Equal("GET", first.RootElement.GetProperty("method").GetString());
            Assert.Equal(20, first.RootElement.GetProperty("requestId").GetString()!.Length);
            using var second = JsonDocument.Parse(lines[1]);
            Assert.Equal(404, second.RootElement.GetProperty("status").GetInt32());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Accepts one connection, reads the request, then dies: resets the connection and closes its port.</summary>
    private sealed class DyingBackend : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;

        private DyingBackend(TcpListener listener, TaskCompletionSource<bool> killed)
        {
            _listener = listener;
            Killed = killed.Task;
            _serving = ServeOnceAsync(killed);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task<bool> Killed { get; }

        public static Task<DyingBackend> StartAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new DyingBackend(listener, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)));
        }

        private async Task ServeOnceAsync(TaskCompletionSource<bool> killed)
        {
            try
            {
                using var socket = await _listener.AcceptSocketAsync();
                var buffer = new byte[4096];
                await socket.ReceiveAsync(buffer);
                _listener.Stop();
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                killed.TrySetResult(true);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                killed.TrySetResult(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving;
        }
    }
}
