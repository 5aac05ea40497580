using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;
using Sprout.Integration.Tests.Platform;
using Sprout.Server.Routing.Remote;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>
/// <c>sprout router</c> in its own process follows the control plane's routing table and keeps
/// serving while the control plane is killed and started again.
/// </summary>
public sealed class RemoteRouterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 8;
    private static readonly TimeSpan LoadAfterReconnect = TimeSpan.FromSeconds(3);

    // A restart competes for two cores with the load loops, the instances and the rest of the suite (30 s once ran
    // out beside a dotnet build); the test is about failed requests, so its deadlines only bound a hang.
    private static readonly TimeSpan RestartDeadline = TimeSpan.FromSeconds(90);

    private readonly ServerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task ControlPlaneKilledAndRestarted_WhileTheRemoteRouterServesUnderLoad_NoRequestFails()
    {
        var ready = await Environments.LaunchAsync(_fixture, "remote", "remote-env", Repository.Sample("node"), instances: 2);
        var logDirectory = Path.GetDirectoryName(_fixture.Server.DataDirectory)!;
        await using var router = await SproutRouterProcess.StartAsync(_fixture.Server.ApiUrl, _fixture.Server.Token, logDirectory);
        using var probe = new RouterClient(router.HttpPort);
        await Poll.UntilAsync(() => probe.GetAsync(ready.Cname), r => r.Status == 200, TimeSpan.FromSeconds(30), "the remote router to serve the environment");
        var firstEpoch = (await _fixture.Api.GetAsync<RouteTableDocument>("/api/routing/table")).Epoch;

        var load = new LoadRun(router.HttpPort, ready.Cname);
        var loading = load.RunAsync(Clients);
        await Poll.UntilAsync(() => Task.FromResult(load.Succeeded), n => n >= Clients, TimeSpan.FromSeconds(10), "the load to get going");

        await _fixture.Server.KillAsync();
        var servedWhileDown = load.Succeeded;
        await _fixture.Server.StartAgainAsync();
        var newEpoch = (await Poll.UntilAsync(
            () => _fixture.Api.GetAsync<RouteTableDocument>("/api/routing/table"), d => d.Environments.Count == 1, RestartDeadline, "the restarted control plane's feed to be ready")).Epoch;
        Assert.NotEqual(firstEpoch, newEpoch);
        await Poll.UntilAsync(router.ReadLogAsync, log => log.Contains($"Applied routing table {newEpoch}/", StringComparison.Ordinal), RestartDeadline, "the remote router to apply the new epoch's table");

        // Keep the load on a little past the reconnection: the switch to the new table must not fail a request either.
        var stopAt = Stopwatch.StartNew();
        await Poll.UntilAsync(() => Task.FromResult(stopAt.Elapsed), elapsed => elapsed >= LoadAfterReconnect, LoadAfterReconnect * 3, "the load to run on after reconnecting");
        await load.StopAsync(loading);

        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Succeeded + load.Failures.Count} requests failed, e.g. {string.Join("; ", load.Failures.Take(5))}");
        Assert.True(load.Succeeded >= 100, $"only {load.Succeeded} requests succeeded");
        Assert.True(load.Succeeded > servedWhileDown, "requests kept succeeding after the kill");
        Assert.Equal(2, load.Instances.Count);
        var log = await router.ReadLogAsync();
        output.WriteLine($"{load.Succeeded} requests succeeded ({string.Join(", ", load.Instances.Select(i => $"{i.Key}: {i.Value}"))}), {servedWhileDown} before the kill; router log:\n{log}");
        Assert.Contains("Lost the control plane", log, StringComparison.Ordinal);
        Assert.Equal(0, await router.StopGracefullyAsync());
    }

    /// <summary>Concurrent GET loops against the router, each on its own connection pool, counting every outcome.</summary>
    private sealed class LoadRun(int port, string host)
    {
        private readonly CancellationTokenSource _stop = new();
        private int _succeeded;

        public int Succeeded => Volatile.Read(ref _succeeded);

        public ConcurrentQueue<string> Failures { get; } = new();

        /// <summary>The instances that answered (the node sample names itself in the body).</summary>
        public ConcurrentDictionary<string, int> Instances { get; } = new(StringComparer.Ordinal);

        public Task RunAsync(int clients) => Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(LoopAsync)));

        public async Task StopAsync(Task running)
        {
            await _stop.CancelAsync();
            await running;
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(2) })
            {
                Timeout = TimeSpan.FromSeconds(10),
            };
            while (!_stop.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
                request.Headers.Host = host;
                try
                {
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if ((int)response.StatusCode == 200)
                    {
                        Interlocked.Increment(ref _succeeded);
                        var instance = body[(body.LastIndexOf("instance=", StringComparison.Ordinal) + "instance=".Length)..].Trim();
                        Instances.AddOrUpdate(instance, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        Failures.Enqueue($"{(int)response.StatusCode} {body.Trim()}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Failures.Enqueue(e.Message);
                }
            }
        }
    }
}
