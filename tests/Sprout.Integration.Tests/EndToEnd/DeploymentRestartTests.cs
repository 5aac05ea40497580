using System.Globalization;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>
/// A server killed in the middle of a rolling deployment resumes it from the saved state after it starts again. It has
/// its own server to kill, but runs in the shared collection: servers draw instance ports from the same default range,
/// so two of them launching at once could hand out the same port.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class DeploymentRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task KilledDuringRollingDeployment_ResumesAndEndsReadyOnTheNewVersionWithNoOrphan()
    {
        var ready = await Environments.LaunchAsync(_fixture, "midroll", "midroll-env", TestApps.SampleVariant("node", "midroll"), instances: 2,
            options: [DeploymentDrill.ShortDrain, DeploymentDrill.Policy("Rolling"), DeploymentDrill.HalfBatches]);
        await DeploymentDrill.UploadNodeAsync(_fixture, "midroll", "v2");

        using (var response = await _fixture.Api.PostAsync("/api/environments/midroll-env/deploy", new DeployRequest("v2")))
        {
            await SproutApi.EnsureAsync(response);
        }

        // Kill it once the first batch is being redeployed: one instance out of the router, the plan half done.
        await Poll.UntilAsync(() => Environments.EventsTextAsync(_fixture, "midroll-env"), e => e.Contains("(batch 1 of 2)", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the first batch to be deployed");
        await _fixture.Server.KillAsync();
        await _fixture.Server.StartAgainAsync();

        var done = await _fixture.Api.WaitForReadyAsync("midroll-env", TimeSpan.FromSeconds(60));
        _fixture.Track(done);
        Assert.True(done.VersionLabel == "v2", $"ended on {done.VersionLabel}; events:\n{await Environments.EventsTextAsync(_fixture, "midroll-env")}");
        Assert.Equal(2, done.Instances.Count);
        Assert.All(done.Instances, i => Assert.Equal(("v2", InstanceState.InService), (i.VersionLabel, i.State)));
        await DeploymentDrill.AssertServesOnlyAsync(_fixture, done, "v2");

        var events = await Environments.EventsTextAsync(_fixture, "midroll-env");
        Assert.Contains("Resuming the interrupted deploy operation", events, StringComparison.Ordinal);
        Assert.Contains("Environment update completed successfully.", events, StringComparison.Ordinal);

        // Every process the driver started and still records is one the environment knows, and alive.
        var recorded = Directory.EnumerateFiles(Path.Combine(_fixture.Server.DataDirectory, "instances"), "*.handle")
            .Select(f => int.Parse(File.ReadAllText(f).Split(' ')[0], CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        Assert.Equal(done.Instances.Select(i => i.Pid!.Value).Order().ToList(), recorded);
        Assert.All(recorded, pid => Assert.True(ProcessGroups.IsAlive(pid)));
    }
}
