using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Scaling, replacement, deployment and configuration of a running environment of the Node.js sample.</summary>
[Collection(ServerCollection.Name)]
public sealed class LifecycleTests(ServerFixture fixture)
{
    private SproutApi Api => fixture.Api;

    [Fact]
    public async Task Scale_UpToThreeAndBackToOne_ServesThroughout()
    {
        var ready = await Environments.LaunchAsync(fixture, "lifecycle", "life-scale", Repository.Sample("node"), label: "scale-v1");

        using (var response = await Api.PostAsync("/api/environments/life-scale/scale", new ScaleRequest(3)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var scaledOut = await Api.WaitForReadyAsync("life-scale");
        fixture.Track(scaledOut);
        Assert.Equal(3, scaledOut.DesiredCapacity);
        Assert.Equal(3, scaledOut.Instances.Count(i => i.State == InstanceState.InService));
        Assert.Equal(HealthColor.Green, scaledOut.Health);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(200, (await fixture.Router.GetAsync(ready.Cname)).Status);
        }

        var metricsAtThree = await Api.Http.GetStringAsync("/metrics");
        Assert.All(scaledOut.Instances, i => Assert.Contains(i.InstanceId, metricsAtThree, StringComparison.Ordinal));

        using (var response = await Api.PostAsync("/api/environments/life-scale/scale", new ScaleRequest(1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var scaledIn = await Api.WaitForReadyAsync("life-scale");
        Assert.Single(scaledIn.Instances);
        Assert.Equal(200, (await fixture.Router.GetAsync(ready.Cname)).Status);

        // The router's metrics follow the instances: the survivor is counted, the removed ones are forgotten.
        var metrics = await Api.Http.GetStringAsync("/metrics");
        Assert.Contains($"instance=\"{scaledIn.Instances[0].InstanceId}\"", metrics, StringComparison.Ordinal);
        foreach (var removed in scaledOut.Instances.Where(i => i.InstanceId != scaledIn.Instances[0].InstanceId))
        {
            Assert.DoesNotContain(removed.InstanceId, metrics, StringComparison.Ordinal);
        }
        var events = await Environments.EventsTextAsync(fixture, "life-scale");
        Assert.Contains("scaled in", events, StringComparison.Ordinal);
        await Api.TerminateAsync("life-scale");
    }

    [Fact]
    public async Task KilledInstance_IsRestartedAndRejoinsTheRouter()
    {
        var ready = await Environments.LaunchAsync(fixture, "lifecycle", "life-kill", Repository.Sample("node"), instances: 2, label: "kill-v1");
        var victim = ready.Instances[0];
        Assert.NotNull(victim.Pid);

        // kill -9 the app process itself, as a crash would.
        Assert.Equal(0, System.Diagnostics.Process.Start("kill", ["-9", victim.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExitAndGetCode());

        // Requests keep succeeding on the other instance while the victim is down. kill(1) returns once the signal is
        // sent; until the process has exited its listening socket may still take a connection and then reset it (a
        // request caught in that moment gets 502, as a crash mid-request does), so "down" starts when it has exited.
        await Poll.UntilAsync(
            () => Task.FromResult(ProcessGroups.IsAlive(victim.Pid.Value)),
            alive => !alive,
            TimeSpan.FromSeconds(10),
            "the killed process to exit");
        Assert.Equal(200, (await fixture.Router.GetAsync(ready.Cname)).Status);

        var recovered = await Poll.UntilAsync(
            () => Api.GetEnvironmentAsync("life-kill"),
            e => e.Instances.Count(i => i.State == InstanceState.InService) == 2 && e.Instances.Any(i => i.InstanceId == victim.InstanceId && i.Pid != victim.Pid),
            TimeSpan.FromSeconds(60),
            "the killed instance to be back in service");
        fixture.Track(recovered);
        Assert.True(recovered.Instances.Single(i => i.InstanceId == victim.InstanceId).Restarts >= 1);
        Assert.Contains("killed by signal 9", await Environments.EventsTextAsync(fixture, "life-kill"), StringComparison.Ordinal);
        await Api.TerminateAsync("life-kill");
    }

    [Fact]
    public async Task InstanceThatKeepsFailingItsHealthCheck_IsReplacedByANewOne()
    {
        var ready = await Environments.LaunchAsync(fixture, "lifecycle", "life-repair", TestApps.Breakable(), label: "repair-v1");
        var sick = ready.Instances.Single();

        Assert.Equal(200, (await fixture.Router.GetAsync(ready.Cname, "/break")).Status);

        var repaired = await Poll.UntilAsync(
            () => Api.GetEnvironmentAsync("life-repair"),
            e => e.Instances.Count == 1 && e.Instances[0].InstanceId != sick.InstanceId && e.Instances[0].State == InstanceState.InService,
            TimeSpan.FromSeconds(90),
            "the failing instance to be replaced by a healthy one");
        fixture.Track(repaired);
        var events = await Environments.EventsTextAsync(fixture, "life-repair");
        Assert.Contains($"Instance {sick.InstanceId} failed its health check", events, StringComparison.Ordinal);
        Assert.Contains($"Replaced instance [{sick.InstanceId}]", events, StringComparison.Ordinal);
        Assert.Contains(repaired.Instances[0].InstanceId, (await fixture.Router.GetAsync(ready.Cname)).Body, StringComparison.Ordinal);
        Assert.False(ProcessGroups.IsAlive(sick.Pid!.Value), "the replaced instance's process must be stopped");
        await Api.TerminateAsync("life-repair");
    }

    [Fact]
    public async Task Deploy_NewVersionAllAtOnce_ThenFailingVersionIsReported()
    {
        var ready = await Environments.LaunchAsync(fixture, "lifecycle", "life-deploy", Repository.Sample("node"), label: "deploy-v1");
        Assert.Contains("version=deploy-v1", (await fixture.Router.GetAsync(ready.Cname)).Body, StringComparison.Ordinal);

        await Api.UploadDirectoryAsync("lifecycle", "deploy-v2", TestApps.SampleVariant("node", "v2"));
        using (var response = await Api.PostAsync("/api/environments/life-deploy/deploy", new DeployRequest("deploy-v2")))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            // A second operation while the first runs is refused in Beanstalk's words.
            using var second = await Api.PostAsync("/api/environments/life-deploy/deploy", new DeployRequest("deploy-v1"));
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("Must be Ready", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var deployed = await Api.WaitForReadyAsync("life-deploy");
        fixture.Track(deployed);
        Assert.Equal("deploy-v2", deployed.VersionLabel);
        Assert.Equal(HealthColor.Green, deployed.Health);
        Assert.Contains("version=deploy-v2", (await fixture.Router.GetAsync(ready.Cname)).Body, StringComparison.Ordinal);
        // Beanstalk's deployment id: the launch was deployment 1, this deployment 2.
        var deployment = Assert.Single((await Api.GetAsync<InstancesHealthDescriptionDto>("/api/environments/life-deploy/health/instances")).InstanceHealthList).Deployment;
        Assert.Equal(("deploy-v2", 2L), (deployment?.VersionLabel, deployment?.DeploymentId));

        // A version that never becomes healthy: the deployment fails, says so, and the expected version returns to v2.
        await Api.UploadDirectoryAsync("lifecycle", "deploy-bad", TestApps.AlwaysFailing());
        using (var timeout = await Api.PostAsync("/api/environments/life-deploy/configuration", new UpdateConfigurationRequest([new OptionSetting("aws:elasticbeanstalk:command", "Timeout", "8")])))
        {
            Assert.Equal(HttpStatusCode.Accepted, timeout.StatusCode);
        }

        await Api.WaitForReadyAsync("life-deploy");
        using (var bad = await Api.PostAsync("/api/environments/life-deploy/deploy", new DeployRequest("deploy-bad")))
        {
            Assert.Equal(HttpStatusCode.Accepted, bad.StatusCode);
        }

        var failed = await Api.WaitForReadyAsync("life-deploy");
        fixture.Track(failed);
        Assert.Equal("deploy-v2", failed.VersionLabel);
        Assert.Equal(HealthColor.Red, failed.Health);
        var events = await Environments.EventsTextAsync(fixture, "life-deploy");
        Assert.Contains("Failed to deploy application.", events, StringComparison.Ordinal);
        Assert.Contains("returned HTTP 500", events, StringComparison.Ordinal);
        await Api.TerminateAsync("life-deploy");
    }

    [Fact]
    public async Task SetEnvironmentProperty_RestartsInstancesWithTheNewValue()
    {
        var ready = await Environments.LaunchAsync(fixture, "lifecycle", "life-setenv", Repository.Sample("node"), label: "setenv-v1");
        var property = new OptionSetting("aws:elasticbeanstalk:application:environment", "GREETING", "hi-from-test");
        using (var response = await Api.PostAsync("/api/environments/life-setenv/configuration", new UpdateConfigurationRequest([property])))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var updated = await Api.WaitForReadyAsync("life-setenv");
        fixture.Track(updated);
        Assert.Contains("hi-from-test", (await fixture.Router.GetAsync(ready.Cname)).Body, StringComparison.Ordinal);
        var configuration = await Api.GetAsync<ConfigurationDto>("/api/environments/life-setenv/configuration");
        Assert.Contains(configuration.OptionSettings, o => o.OptionName == "GREETING" && o.Value == "hi-from-test" && o.Source == "environment");

        using (var invalid = await Api.PostAsync("/api/environments/life-setenv/configuration", new UpdateConfigurationRequest([new OptionSetting("aws:autoscaling:asg", "MinSize", "0")])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Contains("MinSize", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var removal = await Api.PostAsync("/api/environments/life-setenv/configuration", new UpdateConfigurationRequest(OptionsToRemove: [property.Key])))
        {
            Assert.Equal(HttpStatusCode.Accepted, removal.StatusCode);
        }

        fixture.Track(await Api.WaitForReadyAsync("life-setenv"));
        Assert.DoesNotContain("hi-from-test", (await fixture.Router.GetAsync(ready.Cname)).Body, StringComparison.Ordinal);
        await Api.TerminateAsync("life-setenv");
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndGetCode(this System.Diagnostics.Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }
}
