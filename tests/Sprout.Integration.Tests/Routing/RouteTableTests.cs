using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing;

public sealed class RouteTableTests
{
    private static EnvironmentRoute Route(string name, string hostname, params string[] instances)
        => EnvironmentRoute.Of(name, [hostname], instances.Select((id, i) => new RouteTarget(id, "127.0.0.1", 5000 + i)).ToArray());

    [Fact]
    public void Current_Initially_EmptyVersionZero()
    {
        var table = new RouteTable();

        Assert.Equal(0, table.Current.Version);
        Assert.Empty(table.Current.ByHostname);
    }

    [Fact]
    public void SetEnvironment_EachPublish_IncrementsVersionAndLeavesOldSnapshotUntouched()
    {
        var table = new RouteTable();
        table.SetEnvironment(Route("web", "Web.Localhost", "i-1"));
        var first = table.Current;

        table.SetEnvironment(Route("web", "web.localhost", "i-2"));
        var second = table.Current;

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal("i-1", first.ByHostname["web.localhost"].AllTargets.Single().InstanceId);
        Assert.Equal("i-2", second.ByHostname["web.localhost"].AllTargets.Single().InstanceId);
        Assert.All(second.ByHostname.Keys, key => Assert.Equal(key.ToLowerInvariant(), key));
    }

    [Fact]
    public void TryGetRoute_IgnoresCase()
    {
        var table = new RouteTable();
        table.SetEnvironment(Route("web", "web.localhost", "i-1"));

        Assert.True(table.Current.TryGetRoute("WEB.localhost", out var route));
        Assert.Equal("web", route.EnvironmentName);
        Assert.False(table.Current.TryGetRoute("other.localhost", out _));
    }

    [Fact]
    public void RemoveEnvironment_Known_PublishesWithoutItsHostnames_UnknownIsNoOp()
    {
        var table = new RouteTable();
        table.SetEnvironment(Route("web", "web.localhost", "i-1"));
        table.SetEnvironment(Route("api", "api.localhost", "i-2"));

        table.RemoveEnvironment("web");
        var afterRemove = table.Current;
        table.RemoveEnvironment("never-existed");

        Assert.Equal(3, afterRemove.Version);
        Assert.Same(afterRemove, table.Current);
        Assert.Equal(["api.localhost"], afterRemove.ByHostname.Keys.ToArray());
    }

    [Fact]
    public void SetEnvironments_Swap_PublishesOnceAndLastClaimWins()
    {
        var table = new RouteTable();
        table.SetEnvironments([Route("blue", "app.localhost", "i-blue"), Route("green", "app-staging.localhost", "i-green")]);
        var before = table.Current.Version;

        table.SetEnvironments([
            EnvironmentRoute.Of("blue", ["app-staging.localhost"], [new RouteTarget("i-blue", "127.0.0.1", 5000)]),
            EnvironmentRoute.Of("green", ["app.localhost"], [new RouteTarget("i-green", "127.0.0.1", 5001)]),
        ]);

        Assert.Equal(before + 1, table.Current.Version);
        Assert.Equal("green", table.Current.ByHostname["app.localhost"].EnvironmentName);
        Assert.Equal("blue", table.Current.ByHostname["app-staging.localhost"].EnvironmentName);
    }

    [Fact]
    public void SetEnvironment_HostnameWithPort_Rejected()
    {
        var table = new RouteTable();

        Assert.Throws<ArgumentException>(() => table.SetEnvironment(Route("web", "web.localhost:8080", "i-1")));
        Assert.Equal(0, table.Current.Version);
    }

    [Fact]
    public async Task Current_ReadersDuringConcurrentPublishes_SeeMonotonicCompleteSnapshots()
    {
        var table = new RouteTable();
        using var stop = new CancellationTokenSource();
        var readerRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(() =>
        {
            long lastVersion = 0;
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                readerRunning.TrySetResult();
                var snapshot = table.Current;
                Assert.True(snapshot.Version >= lastVersion);
                // Each publish sets both hostnames together: a reader must never see one without the other.
                Assert.Equal(snapshot.ByHostname.ContainsKey("a.localhost"), snapshot.ByHostname.ContainsKey("b.localhost"));
                lastVersion = snapshot.Version;
                reads++;
            }

            return reads;
        });

        await readerRunning.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                table.SetEnvironment(EnvironmentRoute.Of($"env-{w}", ["a.localhost", "b.localhost"], [new RouteTarget($"i-{i}", "127.0.0.1", 5000)]));
            }
        })).ToArray();
        await Task.WhenAll(writers);
        stop.Cancel();

        Assert.True(await reader > 0);
        Assert.Equal(1000, table.Current.Version);
    }

    [Theory]
    [InlineData("web.localhost", "web.localhost")]
    [InlineData("web.localhost:8080", "web.localhost")]
    [InlineData("web.localhost.", "web.localhost")]
    [InlineData("[::1]:8080", "[::1]")]
    [InlineData("", "")]
    public void Hostname_StripsPortAndTrailingDot(string hostHeader, string expected)
        => Assert.Equal(expected, RouterRequestHandler.Hostname(hostHeader).ToString());
}
