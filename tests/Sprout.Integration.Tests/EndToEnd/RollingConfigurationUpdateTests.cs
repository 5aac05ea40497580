using System.Diagnostics;
using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;
using Xunit.Abstractions;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>
/// Option changes that need new instances (the launch configuration) replace the instances with a rolling update under
/// <c>aws:autoscaling:updatepolicy:rollingupdate</c>, while requests flow through the router; a new configuration whose
/// instances never become healthy is rolled back by a reverse rolling update.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RollingConfigurationUpdateTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const string RollingUpdate = "aws:autoscaling:updatepolicy:rollingupdate";
    private const string LaunchConfiguration = "aws:autoscaling:launchconfiguration";
    private const string Properties = "aws:elasticbeanstalk:application:environment";

    [Fact]
    public async Task HealthRollingUpdate_FourInstancesUnderLoad_ReplacesEveryInstanceWithoutAFailedRequest()
    {
        var ready = await Environments.LaunchAsync(fixture, "rollcfg", "rollcfg-env", TestApps.SampleVariant("node", "rollcfg"), instances: 4, options:
        [
            DeploymentDrill.ShortDrain,
            new(RollingUpdate, "RollingUpdateEnabled", "true"),
            new(RollingUpdate, "RollingUpdateType", "Health"),
            new(RollingUpdate, "MaxBatchSize", "2"),
            new(RollingUpdate, "MinInstancesInService", "2"),
            new(LaunchConfiguration, "InstanceType", "t3.micro"),
            new(Properties, "GREETING", "before"),
        ]);
        Assert.Equal(4, ready.Instances.Count(i => i.State == InstanceState.InService));

        var report = await UpdateUnderLoadAsync(ready, new UpdateConfigurationRequest(
        [
            new(LaunchConfiguration, "InstanceType", "t3.small"),
            new(Properties, "GREETING", "after"),
        ]));

        Assert.True(report.Failures.Count == 0, $"failed requests during the update ({report}):\n" + string.Join("\n", report.Failures.Take(20)));
        Assert.True(report.FewestInService >= 2, $"fewer than MinInstancesInService (2) in service: {report}");
        Assert.Equal(4, report.Final.Instances.Count);
        Assert.All(report.Final.Instances, i => Assert.Equal(InstanceState.InService, i.State));
        Assert.Empty(report.Final.Instances.Select(i => i.InstanceId).Intersect(ready.Instances.Select(i => i.InstanceId)));
        await AssertEveryInstanceGreetsAsync(report.Final, "after");

        var events = await Environments.EventsTextAsync(fixture, "rollcfg-env");
        Assert.Contains("aws:autoscaling:launchconfiguration:InstanceType needs new instances.", events, StringComparison.Ordinal);
        Assert.Contains("Rolling update batch 1 of 2", events, StringComparison.Ordinal);
        Assert.Contains("Rolling update batch 2 of 2", events, StringComparison.Ordinal);
        Assert.Contains("Environment update completed successfully.", events, StringComparison.Ordinal);
        var configuration = await fixture.Api.GetAsync<ConfigurationDto>("/api/environments/rollcfg-env/configuration");
        Assert.Contains(configuration.OptionSettings, o => o.OptionName == "InstanceType" && o.Value == "t3.small");
        await fixture.Api.TerminateAsync("rollcfg-env");
    }

    [Fact]
    public async Task NewConfigurationNeverHealthy_ReverseRollingUpdateRestoresThePreviousConfiguration()
    {
        var ready = await Environments.LaunchAsync(fixture, "rollback", "rollback-env", BreaksWhenAsked(), instances: 2, options:
        [
            DeploymentDrill.ShortDrain,
            new(RollingUpdate, "RollingUpdateType", "Health"),
            new(RollingUpdate, "MaxBatchSize", "1"),
            new(RollingUpdate, "MinInstancesInService", "1"),
            new(LaunchConfiguration, "InstanceType", "t3.micro"),
            new(Properties, "GREETING", "before"),
        ]);

        // The command Timeout comes with the change, so only the new configuration's batches wait that little.
        var report = await UpdateUnderLoadAsync(ready, new UpdateConfigurationRequest(
        [
            new(LaunchConfiguration, "InstanceType", "t3.small"),
            new(Properties, "GREETING", "after"),
            new(Properties, "BROKEN", "yes"),
            new(DeploymentDrill.Command, "Timeout", "8"),
        ]));

        Assert.True(report.Failures.Count == 0, $"failed requests during the update and its rollback ({report}):\n" + string.Join("\n", report.Failures.Take(20)));
        Assert.True(report.FewestInService >= 1, $"no instance in service at some point: {report}");
        Assert.Equal(2, report.Final.Instances.Count);
        Assert.All(report.Final.Instances, i => Assert.Equal(InstanceState.InService, i.State));
        await AssertEveryInstanceGreetsAsync(report.Final, "before");

        var events = await Environments.EventsTextAsync(fixture, "rollback-env");
        Assert.Contains("Rolling back: launching 1 instance(s) with the previous configuration.", events, StringComparison.Ordinal);
        Assert.Contains("The environment was reverted to the previous configuration setting.", events, StringComparison.Ordinal);
        Assert.Contains("Failed to deploy configuration.", events, StringComparison.Ordinal);
        var configuration = await fixture.Api.GetAsync<ConfigurationDto>("/api/environments/rollback-env/configuration");
        Assert.Contains(configuration.OptionSettings, o => o.OptionName == "InstanceType" && o.Value == "t3.micro");
        Assert.DoesNotContain(configuration.OptionSettings, o => o.OptionName == "BROKEN");
        await fixture.Api.TerminateAsync("rollback-env");
    }

    [Fact]
    public async Task Abort_DuringTimeBasedPause_RollsBackToThePreviousConfiguration()
    {
        var ready = await Environments.LaunchAsync(fixture, "abortcfg", "abortcfg-env", BreaksWhenAsked(), instances: 2, options:
        [
            DeploymentDrill.ShortDrain,
            new(RollingUpdate, "MaxBatchSize", "1"),
            new(RollingUpdate, "MinInstancesInService", "1"),
            new(RollingUpdate, "PauseTime", "PT5M"),
            new(Properties, "GREETING", "before"),
        ]);
        using (var update = await fixture.Api.PostAsync("/api/environments/abortcfg-env/configuration", new UpdateConfigurationRequest(
            [new(LaunchConfiguration, "ImageId", "ami-2"), new(Properties, "GREETING", "after")])))
        {
            Assert.Equal(HttpStatusCode.Accepted, update.StatusCode);
        }

        // Without the abort the update would pause five minutes after the first batch.
        await Poll.UntilAsync(() => Environments.EventsTextAsync(fixture, "abortcfg-env"), e => e.Contains("(PauseTime) before the next batch", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the pause after the first batch");
        using (var abort = await fixture.Api.Http.PostAsync("/api/environments/abortcfg-env/abort", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, abort.StatusCode);
        }

        var done = await fixture.Api.WaitForReadyAsync("abortcfg-env", TimeSpan.FromSeconds(45));
        fixture.Track(done);
        Assert.Equal(2, done.Instances.Count);
        Assert.All(done.Instances, i => Assert.Equal(InstanceState.InService, i.State));
        await AssertEveryInstanceGreetsAsync(done, "before");
        // The second batch was never touched; the first batch's replacement gave way to one with the previous configuration.
        Assert.Single(done.Instances.Select(i => i.InstanceId).Intersect(ready.Instances.Select(i => i.InstanceId)));
        var events = await Environments.EventsTextAsync(fixture, "abortcfg-env");
        Assert.Contains("Aborting the deployment at the user's request.", events, StringComparison.Ordinal);
        Assert.Contains("The environment was reverted to the previous configuration setting.", events, StringComparison.Ordinal);
        var configuration = await fixture.Api.GetAsync<ConfigurationDto>("/api/environments/abortcfg-env/configuration");
        Assert.DoesNotContain(configuration.OptionSettings, o => o.OptionName == "ImageId");
        await fixture.Api.TerminateAsync("abortcfg-env");
    }

    /// <summary>A Node.js app answering <c>greeting=$GREETING</c>, or HTTP 500 to everything (health checks too) when <c>BROKEN=yes</c>.</summary>
    internal static string BreaksWhenAsked()
    {
        var directory = TestApps.Scratch("breaks-when-asked");
        File.WriteAllText(Path.Combine(directory, "Procfile"), "web: node app.js\n");
        File.WriteAllText(Path.Combine(directory, "app.js"), """
            require('http').createServer((req, res) => {
              res.statusCode = process.env.BROKEN === 'yes' ? 500 : 200;
              res.end(`greeting=${process.env.GREETING || ''} instance=${process.env.SPROUT_INSTANCE_ID}\n`);
            }).listen(Number(process.env.PORT), '127.0.0.1');
            """);
        return directory;
    }

    /// <summary>Each instance, asked directly on its own port, runs with the expected environment property.</summary>
    internal static async Task AssertEveryInstanceGreetsAsync(EnvironmentDto environment, string greeting)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var instance in environment.Instances)
        {
            var body = await client.GetStringAsync(new Uri($"http://127.0.0.1:{instance.Port}/"));
            Assert.Contains($"greeting={greeting} ", body, StringComparison.Ordinal);
        }
    }

    private async Task<DeployReport> UpdateUnderLoadAsync(EnvironmentDto environment, UpdateConfigurationRequest update)
    {
        await using var load = RouterLoad.Start(fixture.Router, environment.Cname, concurrency: 4, maxDuration: TimeSpan.FromSeconds(90));
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        using (var response = await fixture.Api.PostAsync($"/api/environments/{environment.EnvironmentName}/configuration", update))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var fewest = int.MaxValue;
        EnvironmentDto current;
        while (true)
        {
            current = await fixture.Api.GetEnvironmentAsync(environment.EnvironmentName);
            fixture.Track(current);
            fewest = Math.Min(fewest, current.Instances.Count(i => i.State == InstanceState.InService));
            if (current.Status == EnvironmentStatus.Ready)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(75), $"the configuration update of {environment.EnvironmentName} did not end within 75 s");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        clock.Stop();
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(20));
        await load.StopAsync();
        var report = new DeployReport(load.Succeeded, [.. load.Failures], fewest, clock.Elapsed, current);
        output.WriteLine($"{environment.EnvironmentName}: {report}");
        output.WriteLine(await Environments.EventsTextAsync(fixture, environment.EnvironmentName));
        return report;
    }
}
