using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sprout.Integration.Tests.Platform;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Remote;

namespace Sprout.Integration.Tests.Routing.Remote;

/// <summary>A follower against a real feed on loopback: it applies whole tables, rides out outages, and takes a restarted control plane's table.</summary>
public sealed class RouteTableFollowerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sprout-follow-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly RouteTable _local = new();
    private readonly CancellationTokenSource _stop = new();
    private TestRouteFeedHost _feed = null!;
    private RouteTableFollower? _follower;
    private Task _following = Task.CompletedTask;

    private string TokenPath => Path.Combine(_directory, "token");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _feed = await TestRouteFeedHost.StartAsync(TokenPath);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _following;
        _follower?.Dispose();
        _stop.Dispose();
        await _feed.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private RouteTableFollower StartFollowing(string? token = null)
    {
        var options = new RouteTableFollowerOptions(_feed.Url, token ?? _feed.Token)
        {
            LongPollWait = TimeSpan.FromSeconds(5),
            MinRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        };
        _follower = new RouteTableFollower(options, _local, NullLogger.Instance);
        _following = _follower.RunAsync(_stop.Token);
        return _follower;
    }

    private static EnvironmentRoute Route(string name, params RouteTarget[] targets) => EnvironmentRoute.Of(name, [$"{name}.localhost"], targets);

    private static RouteTarget Target(string id, int port = 5000) => new(id, "127.0.0.1", port);

    private static Task<long> UntilAppliedAsync(RouteTableFollower follower, string epoch, long version) =>
        Poll.UntilAsync(() => Task.FromResult(follower.AppliedEpoch == epoch ? follower.AppliedVersion : -1), v => v == version, Deadline, $"table {epoch}/{version} to be applied");

    [Fact]
    public async Task AppliesEachTable_AsOnePublish_AndDropsEnvironmentsTheControlPlaneForgot()
    {
        _feed.Table.SetEnvironments([Route("a", Target("i-a")), Route("b", Target("i-b"))]);
        var follower = StartFollowing();

        await UntilAppliedAsync(follower, _feed.Feed.Epoch, 1);
        Assert.True(follower.Connected);
        Assert.Equal(1, _local.Current.Version);
        Assert.Equal(["a.localhost", "b.localhost"], _local.Current.ByHostname.Keys.Order());

        // Two environments change in one control-plane publish: the follower's readers see both at once or neither.
        _feed.Table.SetEnvironments([Route("a", Target("i-a2")), Route("c", Target("i-c"))]);
        await UntilAppliedAsync(follower, _feed.Feed.Epoch, 2);
        Assert.Equal(2, _local.Current.Version);
        Assert.Equal("i-a2", _local.Current.ByHostname["a.localhost"].AllTargets.Single().InstanceId);
        Assert.True(_local.Current.TryGetRoute("c.localhost", out _));

        _feed.Table.RemoveEnvironment("b");
        await UntilAppliedAsync(follower, _feed.Feed.Epoch, 3);
        Assert.Equal(["a.localhost", "c.localhost"], _local.Current.ByHostname.Keys.Order());
        Assert.True(_feed.Followers.HasActiveFollowers);
    }

    [Fact]
    public async Task ControlPlaneDownThenRestarted_KeepsServingTheLastTable_AndTakesTheNewEpochOnceReady()
    {
        await using var backend = await TestBackend.StartAsync("instance-1");
        await using var router = await RouterHost.StartAsync(new RouterOptions(IPAddress.Loopback, 0, "localhost"), _local, NullLoggerFactory.Instance, CancellationToken.None);
        using var client = new RouterClient(router.Port);
        _feed.Table.SetEnvironment(Route("web", backend.Target));
        _feed.Table.SetEnvironment(Route("web", backend.Target, Target("i-gone", RouterTestContext.ClosedPort())));
        _feed.Table.SetEnvironment(Route("web", backend.Target));
        var firstEpoch = _feed.Feed.Epoch;
        var follower = StartFollowing();
        await UntilAppliedAsync(follower, firstEpoch, 3);
        Assert.Equal(200, (await client.GetAsync("web.localhost")).Status);

        var port = _feed.Port;
        await _feed.DisposeAsync();
        await Poll.UntilAsync(() => Task.FromResult(follower.Connected), connected => !connected, Deadline, "the follower to notice the outage");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await client.GetAsync("web.localhost")).Status);
        }

        // Restarted: an empty table and not ready (still restoring). The follower must not take it.
        _feed = await TestRouteFeedHost.StartAsync(TokenPath, port, ready: false);
        await Poll.UntilAsync(() => Task.FromResult(_feed.Followers.HasActiveFollowers), active => active, Deadline, "the follower to poll the restarted feed");
        Assert.Equal(firstEpoch, follower.AppliedEpoch);
        Assert.False(follower.Connected);
        Assert.Equal(200, (await client.GetAsync("web.localhost")).Status);

        // Restored: one publish, version 1, lower than the follower's 3 — a new epoch is taken whatever its version.
        _feed.Table.SetEnvironment(Route("web", backend.Target));
        _feed.Feed.MarkReady();
        await UntilAppliedAsync(follower, _feed.Feed.Epoch, 1);
        Assert.NotEqual(firstEpoch, follower.AppliedEpoch);
        Assert.True(follower.Connected);
        Assert.Equal(200, (await client.GetAsync("web.localhost")).Status);
    }

    [Fact]
    public async Task WrongToken_NeverConnects_AndLeavesTheTableAlone()
    {
        _local.SetEnvironment(Route("kept", Target("i-k")));
        _feed.Table.SetEnvironment(Route("other", Target("i-o")));
        var follower = StartFollowing(token: new string('0', 64));

        await Poll.UntilAsync(() => Task.FromResult(follower.ConsecutiveFailures), failures => failures >= 2, Deadline, "the follower to be refused twice");

        Assert.False(follower.Connected);
        Assert.Null(follower.AppliedEpoch);
        Assert.True(_local.Current.TryGetRoute("kept.localhost", out _));
        Assert.False(_local.Current.TryGetRoute("other.localhost", out _));
    }
}
