using System.Text.Json;
using Sprout.Core.Api;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Remote;

namespace Sprout.Integration.Tests.Routing.Remote;

/// <summary>What the routing feed needs from the route table: whole-table replacement, change notification, a table that survives JSON.</summary>
public sealed class RouteTableChangeTests
{
    private static EnvironmentRoute Route(string name, string hostname, params string[] instances)
        => EnvironmentRoute.Of(name, [hostname], instances.Select((id, i) => new RouteTarget(id, "127.0.0.1", 5000 + i)).ToArray());

    [Fact]
    public void ReplaceAll_RemovesUnlistedEnvironments_InOnePublish()
    {
        var table = new RouteTable();
        table.SetEnvironments([Route("a", "a.localhost", "i-a"), Route("b", "b.localhost", "i-b")]);
        var before = table.Current.Version;

        table.ReplaceAll([Route("b", "b.localhost", "i-b2"), Route("c", "c.localhost", "i-c")]);

        var after = table.Current;
        Assert.Equal(before + 1, after.Version);
        Assert.False(after.TryGetRoute("a.localhost", out _));
        Assert.Equal("i-b2", after.ByHostname["b.localhost"].AllTargets.Single().InstanceId);
        Assert.Equal("i-c", after.ByHostname["c.localhost"].AllTargets.Single().InstanceId);
    }

    [Fact]
    public void ReplaceAll_WithAnInvalidRoute_LeavesTheTableUntouched()
    {
        var table = new RouteTable();
        table.SetEnvironment(Route("a", "a.localhost", "i-a"));
        var before = table.Current;

        Assert.Throws<ArgumentException>(() => table.ReplaceAll([Route("b", "b.localhost", "i-b"), Route("c", "bad:host", "i-c")]));

        Assert.Same(before, table.Current);
    }

    [Fact]
    public async Task WaitForChangeAsync_AlreadyNewer_CompletesAtOnce()
    {
        var table = new RouteTable();
        table.SetEnvironment(Route("a", "a.localhost", "i-a"));

        var snapshot = await table.WaitForChangeAsync(0, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, snapshot.Version);
    }

    [Fact]
    public async Task WaitForChangeAsync_CompletesOnTheNextPublish_AndHonoursCancellation()
    {
        var table = new RouteTable();
        table.SetEnvironment(Route("a", "a.localhost", "i-a"));
        var waiting = table.WaitForChangeAsync(1, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        table.RemoveEnvironment("a");

        Assert.Equal(2, (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Version);
        using var cancel = new CancellationTokenSource();
        var cancelled = table.WaitForChangeAsync(2, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    [Fact]
    public void RouteTableDocument_RoundTripsThroughTheApiJson()
    {
        var route = new EnvironmentRoute(
            "web",
            ["web.localhost"],
            [
                new TargetGroup("blue", 90, [new RouteTarget("i-1", "127.0.0.1", 20001)]),
                new TargetGroup("green", 10, [new RouteTarget("i-2", "127.0.0.1", 20002)]) { EnvironmentName = "web-green" },
            ])
        {
            Policy = new RoutePolicy { Algorithm = LoadBalancingAlgorithm.RoundRobin, StickinessDuration = TimeSpan.FromMinutes(5) },
        };
        var document = new RouteTableDocument("e1", 7, [route, Route("api", "api.localhost", "i-3")]);

        var json = JsonSerializer.Serialize(document, SproutJson.Options);
        var read = JsonSerializer.Deserialize<RouteTableDocument>(json, SproutJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, SproutJson.Options));
        var web = read.Environments[0];
        Assert.Equal(LoadBalancingAlgorithm.RoundRobin, web.Policy.Algorithm);
        Assert.Equal(TimeSpan.FromMinutes(5), web.Policy.StickinessDuration);
        Assert.Equal("web-green", web.Groups[1].EnvironmentName);
        Assert.Equal(new RouteTarget("i-2", "127.0.0.1", 20002), web.Groups[1].Targets.Single());
        Assert.Equal(RoutePolicy.Default, read.Environments[1].Policy);
        Assert.DoesNotContain("allTargets", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_MidCnameSwap_ListsEachHostnameOnlyUnderItsWinner()
    {
        var table = new RouteTable();
        table.SetEnvironment(new EnvironmentRoute("blue", ["app.localhost", "blue.localhost"], [new TargetGroup("default", 100, [new RouteTarget("i-b", "127.0.0.1", 5001)])]));
        table.SetEnvironment(Route("green", "app.localhost", "i-g"));
        var feed = new RouteFeed(table);

        var document = feed.Describe(table.Current);

        Assert.Equal(["blue.localhost"], document.Environments.Single(e => e.EnvironmentName == "blue").Hostnames);
        Assert.Equal(["app.localhost"], document.Environments.Single(e => e.EnvironmentName == "green").Hostnames);
        var follower = new RouteTable();
        follower.ReplaceAll(document.Environments.Reverse().ToList());
        Assert.Equal("green", follower.Current.ByHostname["app.localhost"].EnvironmentName);
    }
}
