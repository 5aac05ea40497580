using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Sprout.Core.Api;
using Sprout.Integration.Tests.Platform;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Remote;

namespace Sprout.Integration.Tests.Routing.Remote;

/// <summary><c>GET /api/routing/table</c> over real HTTP: token, readiness, long poll, epochs, followers.</summary>
public sealed class RoutingFeedEndpointTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sprout-feed-" + Guid.NewGuid().ToString("N")[..8]);
    private TestRouteFeedHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _host = await TestRouteFeedHost.StartAsync(Path.Combine(_directory, "token"), ready: false);
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static EnvironmentRoute Route(string name, string instance)
        => EnvironmentRoute.Of(name, [$"{name}.localhost"], [new RouteTarget(instance, "127.0.0.1", 5000)]);

    [Fact]
    public async Task WithoutToken_401()
    {
        using var anonymous = _host.CreateClient(authenticated: false);

        using var response = await anonymous.GetAsync("/api/routing/table");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BeforeRestoreFinished_503WithRetryAfter_ThenTheTable()
    {
        _host.Table.SetEnvironment(Route("web", "i-1"));

        using (var notReady = await _client.GetAsync("/api/routing/table"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.NotNull(notReady.Headers.RetryAfter);
            Assert.Equal("not_ready", (await notReady.Content.ReadFromJsonAsync<ErrorDto>(SproutJson.Options))!.Error);
        }

        _host.Feed.MarkReady();
        var document = await _client.GetFromJsonAsync<RouteTableDocument>("/api/routing/table", SproutJson.Options);

        Assert.Equal(_host.Feed.Epoch, document!.Epoch);
        Assert.Equal(1, document.Version);
        Assert.Equal("i-1", document.Environments.Single().AllTargets.Single().InstanceId);
    }

    [Fact]
    public async Task LongPoll_NothingChanges_204AfterTheWait()
    {
        _host.Feed.MarkReady();
        _host.Table.SetEnvironment(Route("web", "i-1"));
        var clock = Stopwatch.StartNew();

        using var response = await _client.GetAsync($"/api/routing/table?epoch={_host.Feed.Epoch}&after=1&wait=1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task LongPoll_AnswersAsSoonAsTheTableChanges()
    {
        _host.Feed.MarkReady();
        _host.Table.SetEnvironment(Route("web", "i-1"));
        var polling = _client.GetAsync($"/api/routing/table?epoch={_host.Feed.Epoch}&after=1&wait=30&router=r1");
        await Poll.UntilAsync(() => Task.FromResult(_host.Followers.HasActiveFollowers), active => active, TimeSpan.FromSeconds(10), "the poll to register as a follower");
        Assert.False(polling.IsCompleted);

        _host.Table.SetEnvironment(Route("web", "i-2"));

        using var response = await polling.WaitAsync(TimeSpan.FromSeconds(10));
        var document = await response.Content.ReadFromJsonAsync<RouteTableDocument>(SproutJson.Options);
        Assert.Equal(2, document!.Version);
        Assert.Equal("i-2", document.Environments.Single().AllTargets.Single().InstanceId);
        Assert.True(_host.Followers.HasActiveFollowers, "a router that just polled still counts as following");
    }

    [Fact]
    public async Task OtherEpoch_GetsTheTableAtOnceEvenWithAHigherVersion()
    {
        _host.Feed.MarkReady();
        _host.Table.SetEnvironment(Route("web", "i-1"));

        using var response = await _client.GetAsync("/api/routing/table?epoch=previous-start&after=500&wait=30").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<RouteTableDocument>(SproutJson.Options))!.Version);
    }

    [Fact]
    public void Followers_NobodyPolled_NotActive()
    {
        Assert.False(_host.Followers.HasActiveFollowers);
        Assert.Equal(0, _host.Followers.ActiveCount);
    }
}
