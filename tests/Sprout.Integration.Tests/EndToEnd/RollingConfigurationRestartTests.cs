using System.Globalization;
using System.Net;
using Sprout.Core.Api;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>
/// A server killed in the middle of a rolling configuration update resumes it from the saved state. Its own server (to
/// kill), in the shared collection so no other server hands out the same instance ports meanwhile.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RollingConfigurationRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task KilledDuringRollingConfigurationUpdate_ResumesAndEndsWithEveryInstanceOnTheNewConfiguration()
    {
        var ready = await Environments.LaunchAsync(_fixture, "midcfg", "midcfg-env", RollingConfigurationUpdateTests.BreaksWhenAsked(), instances: 2, options:
        [
            DeploymentDrill.ShortDrain,
            new("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType", "Health"),
            new("aws:autoscaling:updatepolicy:rollingupdate", "MaxBatchSize", "1"),
            new("aws:autoscaling:updatepolicy:rollingupdate", "MinInstancesInService", "1"),
            new("aws:elasticbeanstalk:application:environment", "GREETING", "before"),
        ]);
        using (var update = await _fixture.Api.PostAsync("/api/environments/midcfg-env/configuration", new UpdateConfigurationRequest(
            [new("aws:ec2:vpc", "Subnets", "subnet-2"), new("aws:elasticbeanstalk:application:environment", "GREETING", "after")])))
        {
            Assert.Equal(HttpStatusCode.Accepted, update.StatusCode);
        }

        await Poll.UntilAsync(() => Environments.EventsTextAsync(_fixture, "midcfg-env"), e => e.Contains("Rolling update batch 1 of 2: launching", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the first batch's replacement to be launched");
        await _fixture.Server.KillAsync();
        await _fixture.Server.StartAgainAsync();

        var done = await _fixture.Api.WaitForReadyAsync("midcfg-env", TimeSpan.FromSeconds(60));
        _fixture.Track(done);
        Assert.Equal(2, done.Instances.Count);
        Assert.Empty(done.Instances.Select(i => i.InstanceId).Intersect(ready.Instances.Select(i => i.InstanceId)));
        await RollingConfigurationUpdateTests.AssertEveryInstanceGreetsAsync(done, "after");
        var events = await Environments.EventsTextAsync(_fixture, "midcfg-env");
        Assert.Contains("Resuming the interrupted configure operation", events, StringComparison.Ordinal);
        Assert.Contains("Rolling update batch 2 of 2", events, StringComparison.Ordinal);
        Assert.Contains("Environment update completed successfully.", events, StringComparison.Ordinal);

        // Every process the driver started and still records is one the environment knows.
        var recorded = Directory.EnumerateFiles(Path.Combine(_fixture.Server.DataDirectory, "instances"), "*.handle")
            .Select(f => int.Parse(File.ReadAllText(f).Split(' ')[0], CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        Assert.Equal(done.Instances.Select(i => i.Pid!.Value).Order().ToList(), recorded);
    }
}
