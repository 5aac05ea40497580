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

        // A graceful stop (SIGTERM) exits 0 and, again, leaves the app running for the next start.
        Assert.Equal(0, await _fixture.Server.StopGracefullyAsync());
        Assert.True(ProcessGroups.IsAlive(pid.Value));
        await _fixture.Server.StartAgainAsync();
        Assert.Equal(pid, (await _fixture.Api.WaitForReadyAsync("restart-env")).Instances.Single().Pid);
    }
}

/// <summary>A server killed in the middle of launching an environment resumes the launch at its next start.</summary>
public sealed class ServerKilledMidOperationTests : IAsyncLifetime
{
    private readonly ServerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task KilledDuringLaunch_ResumesAndEndsReadyWithEveryInstanceAccountedFor()
    {
        await _fixture.Api.UploadDirectoryAsync("midop", "v1", Repository.Sample("node"));
        await _fixture.Api.CreateEnvironmentAsync(new CreateEnvironmentRequest("midop", "midop-env", "v1", Instances: 2, OptionSettings: Environments.FastChecks));
        await Poll.UntilAsync(() => _fixture.Api.GetEnvironmentAsync("midop-env"), e => e.Instances.Count == 2, TimeSpan.FromSeconds(30), "both instances to be launched");

        await _fixture.Server.KillAsync();
        await _fixture.Server.StartAgainAsync();

        var ready = await _fixture.Api.WaitForReadyAsync("midop-env");
        _fixture.Track(ready);
        Assert.Equal(HealthColor.Green, ready.Health);
        Assert.Equal(2, ready.Instances.Count(i => i.State == InstanceState.InService));

        // Every process the driver ever started for this server is one the environment knows, and alive.
        var instances = Path.Combine(_fixture.Server.DataDirectory, "instances");
        var recorded = Directory.EnumerateFiles(instances, "*.handle")
            .Select(f => int.Parse(File.ReadAllText(f).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        Assert.Equal(ready.Instances.Select(i => i.Pid!.Value).Order().ToList(), recorded);
        Assert.All(recorded, pid => Assert.True(ProcessGroups.IsAlive(pid)));
        Assert.Equal(200, (await _fixture.Router.GetAsync(ready.Cname)).Status);
        Assert.Contains("Resuming the interrupted launch operation", string.Join("\n", (await _fixture.Api.EventsAsync("midop-env")).Select(e => e.Message)), StringComparison.Ordinal);
    }
}
