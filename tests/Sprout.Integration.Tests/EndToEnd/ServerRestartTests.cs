using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>The data plane outlives the control plane: a killed server comes back with its store and adopts its running instances.</summary>
public sealed class ServerRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task KilledServer_RestartsWithStoreIntactAndAdoptsInstances()
    {
        var ready = await Environments.LaunchAsync(_fixture, "restart", "restart-env", Repository.Sample("node"), instances: 1);
        var pid = ready.Instances.Single().Pid;
        var eventsBefore = await _fixture.Api.EventsAsync("restart-env");

        await _fixture.Server.KillAsync();
        Assert.True(ProcessGroups.IsAlive(pid!.Value), "the instance must survive the server's death");
        await _fixture.Server.StartAgainAsync();

        var after = await _fixture.Api.WaitForReadyAsync("restart-env");
        Assert.Equal(ready.EnvironmentId, after.EnvironmentId);
        Assert.Equal(pid, after.Instances.Single().Pid);
        var served = await Poll.UntilAsync(() => _fixture.Router.GetAsync(ready.Cname), r => r.Status == 200, TimeSpan.FromSeconds(30), "the router to serve the adopted instance");
        Assert.Contains("node", served.Body, StringComparison.OrdinalIgnoreCase);
        var eventsAfter = await _fixture.Api.EventsAsync("restart-env");
        Assert.True(eventsAfter.Count >= eventsBefore.Count);
        Assert.Contains(eventsBefore[0].Id, eventsAfter.Select(e => e.Id));
        var health = await _fixture.Api.GetAsync<EnvironmentHealthDto>("/api/environments/restart-env/health");
        Assert.Equal(HealthColor.Green, health.Color);
    }
}
