using System.Diagnostics;
using System.Globalization;
using Sprout.Core.Api;
using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>
/// Enhanced health and auto scaling against a real server, real apps and real (bounded, loopback) load:
/// failing requests turn the environment Severe with the cause, load scales out and back in, a scheduled
/// action changes capacity at its time, and a killed instance comes back.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HealthAndScalingTests(ServerFixture fixture)
{
    private const string Application = "health-scaling";
    private const string Process = "aws:elasticbeanstalk:environment:process:default";

    [Fact]
    public async Task AppReturning5xx_TurnsSevereWithTheCause_AndOkAgainAfterRecovery()
    {
        var ready = await Environments.LaunchAsync(fixture, Application, "hs-errors", Toggling(), label: "errors-1",
            options: [new OptionSetting(Process, "HealthCheckPath", "/health")]);
        await using var load = RouterLoad.Start(fixture.Router, ready.Cname, concurrency: 2, maxDuration: TimeSpan.FromSeconds(75));
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(20));
        await WaitForHealthAsync("hs-errors", h => h.HealthStatus == HealthStatus.Ok, TimeSpan.FromSeconds(20));

        var (status, _) = await fixture.Router.GetAsync(ready.Cname, "/fail");
        Assert.Equal(200, status);
        var failingSince = Stopwatch.StartNew();
        var failing = await WaitForHealthAsync("hs-errors", h => h.HealthStatus is HealthStatus.Degraded or HealthStatus.Severe, TimeSpan.FromSeconds(15));
        var shownAfter = failingSince.Elapsed;

        Assert.Equal(HealthColor.Red, failing.Color);
        Assert.Contains(failing.Causes, c => c.Contains("failing with HTTP 5xx", StringComparison.Ordinal));
        Assert.True(shownAfter < TimeSpan.FromSeconds(8), $"the environment showed the failures after {shownAfter.TotalSeconds:0.0} s");
        var basic = await fixture.Api.GetAsync<EnvironmentHealthDto>("/api/environments/hs-errors/health");
        Assert.Equal(HealthColor.Red, basic.Color);

        // The share of 5xx in the instance's window climbs as failures replace older successes, so the environment
        // can show Degraded a moment before its instance crosses into Severe: wait for that, with a deadline.
        var instances = await Poll.UntilAsync(
            () => fixture.Api.GetAsync<InstancesHealthDescriptionDto>("/api/environments/hs-errors/health/instances"),
            list => list.InstanceHealthList.Count == 1 && list.InstanceHealthList[0].HealthStatus == HealthStatus.Severe,
            TimeSpan.FromSeconds(15),
            "the instance turning Severe");
        var instance = Assert.Single(instances.InstanceHealthList);
        Assert.Equal(HealthStatus.Severe, instance.HealthStatus);
        Assert.True(instance.ApplicationMetrics!.StatusCodes!.Status5xx > 0);
        Assert.Equal("errors-1", instance.Deployment!.VersionLabel);

        // A status becomes an event once it has held for 10 s (no event per blip); the failures go on meanwhile.
        var events = await Poll.UntilAsync(
            () => Environments.EventsTextAsync(fixture, "hs-errors"),
            text => text.Contains(" to Severe. ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "the transition event");
        Assert.Contains("Environment health has transitioned from", events, StringComparison.Ordinal);
        Assert.Contains("failing with HTTP 5xx", events, StringComparison.Ordinal);

        (status, _) = await fixture.Router.GetAsync(ready.Cname, "/recover");
        Assert.Equal(200, status);
        var recovered = await WaitForHealthAsync("hs-errors", h => h.HealthStatus == HealthStatus.Ok, TimeSpan.FromSeconds(30));
        Assert.Equal(HealthColor.Green, recovered.Color);
        Assert.Empty(recovered.Causes);
        await load.StopAsync();

        var healthy = await fixture.Api.GetAsync<InstancesHealthDescriptionDto>("/api/environments/hs-errors/health/instances");
        Assert.NotNull(Assert.Single(healthy.InstanceHealthList).System?.CPUUtilization);

        using var metrics = await fixture.Api.Http.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("sprout_environment_health_status{environment=\"hs-errors\",status=\"Ok\"} 1", text, StringComparison.Ordinal);
        Assert.Contains($"sprout_instance_memory_rss_bytes{{environment=\"hs-errors\",instance=\"{instance.InstanceId}\"}}", text, StringComparison.Ordinal);
        Assert.Contains("sprout_host_load_average{period=\"1m\"}", text, StringComparison.Ordinal);
        await fixture.Api.TerminateAsync("hs-errors");
    }

    [Fact]
    public async Task LoadAboveTheRequestCountTrigger_ScalesOut_ThenBackToMinSize()
    {
        var ready = await Environments.LaunchAsync(fixture, Application, "hs-trigger", Repository.Sample("node"), label: "trigger-1",
            options:
            [
                new OptionSetting("aws:autoscaling:asg", "MinSize", "1"),
                new OptionSetting("aws:autoscaling:asg", "MaxSize", "2"),
                new OptionSetting("aws:autoscaling:asg", "Cooldown", "3"),
                new OptionSetting("aws:autoscaling:trigger", "MeasureName", "RequestCount"),
                new OptionSetting("aws:autoscaling:trigger", "Statistic", "Sum"),
                new OptionSetting("aws:autoscaling:trigger", "Unit", "Count"),
                new OptionSetting("aws:autoscaling:trigger", "UpperThreshold", "200"),
                new OptionSetting("aws:autoscaling:trigger", "LowerThreshold", "20"),
                new OptionSetting("sprout:autoscaling:trigger", "PeriodSeconds", "10"),
                new OptionSetting("sprout:autoscaling:trigger", "BreachDurationSeconds", "10"),
                new OptionSetting(Process, "DeregistrationDelay", "1"),
            ]);
        Assert.Equal(1, ready.DesiredCapacity);

        await using (var load = RouterLoad.Start(fixture.Router, ready.Cname, concurrency: 4, maxDuration: TimeSpan.FromSeconds(45)))
        {
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            var scaledOut = await Poll.UntilAsync(
                () => fixture.Api.GetEnvironmentAsync("hs-trigger"),
                e => e.DesiredCapacity == 2 && e.Instances.Count(i => i.State == InstanceState.InService) == 2,
                TimeSpan.FromSeconds(40),
                "two instances in service under load");
            fixture.Track(scaledOut);
            await load.StopAsync();
            Assert.Empty(load.Failures);
        }

        var events = await Environments.EventsTextAsync(fixture, "hs-trigger");
        Assert.Contains("above UpperThreshold 200", events, StringComparison.Ordinal);
        Assert.Contains("adding 1 instance (1 → 2)", events, StringComparison.Ordinal);

        var scaledIn = await Poll.UntilAsync(
            () => fixture.Api.GetEnvironmentAsync("hs-trigger"),
            e => e.DesiredCapacity == 1 && e.Instances.Count == 1,
            TimeSpan.FromSeconds(40),
            "back to MinSize after the load stopped");
        Assert.Equal(EnvironmentStatus.Ready, scaledIn.Status);
        events = await Environments.EventsTextAsync(fixture, "hs-trigger");
        Assert.Contains("below LowerThreshold 20", events, StringComparison.Ordinal);
        Assert.Contains("removing 1 instance (2 → 1)", events, StringComparison.Ordinal);
        await fixture.Api.TerminateAsync("hs-trigger");
    }

    [Fact]
    public async Task ScheduledAction_ChangesCapacityAtItsTime()
    {
        var version = await fixture.Api.UploadDirectoryAsync(Application, "schedule-1", Repository.Sample("node"));
        Assert.Equal(VersionStatus.Processed, version.Status);
        var at = DateTimeOffset.UtcNow.AddSeconds(12);
        var start = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        at = DateTimeOffset.Parse(start, CultureInfo.InvariantCulture);
        var ready = await Environments.CreateAsync(fixture, Application, "hs-schedule", "schedule-1", 1,
            new OptionSetting("aws:autoscaling:asg", "MinSize", "1"),
            new OptionSetting("aws:autoscaling:asg", "MaxSize", "3"),
            new OptionSetting("aws:autoscaling:scheduledaction", "StartTime", start, "bump"),
            new OptionSetting("aws:autoscaling:scheduledaction", "MinSize", "2", "bump"),
            new OptionSetting("aws:autoscaling:scheduledaction", "DesiredCapacity", "2", "bump"));
        Assert.True(DateTimeOffset.UtcNow < at, "the environment took too long to launch to see the action run");
        Assert.Equal(1, ready.DesiredCapacity);

        var scaled = await Poll.UntilAsync(
            () => fixture.Api.GetEnvironmentAsync("hs-schedule"),
            e => e.Instances.Count(i => i.State == InstanceState.InService) == 2,
            TimeSpan.FromSeconds(45),
            "the scheduled action's second instance in service");
        fixture.Track(scaled);
        var ran = (await fixture.Api.EventsAsync("hs-schedule")).Single(e => e.Message.StartsWith("Scheduled action 'bump'", StringComparison.Ordinal));
        Assert.Contains("adding 1 instance (1 → 2)", ran.Message, StringComparison.Ordinal);
        Assert.True(ran.EventDate >= at.AddSeconds(-1), $"ran at {ran.EventDate:O}, before its StartTime {start}");
        Assert.True(ran.EventDate <= at.AddSeconds(5), $"ran at {ran.EventDate:O}, long after its StartTime {start}");
        await fixture.Api.TerminateAsync("hs-schedule");
    }

    [Fact]
    public async Task KilledInstance_IsReplacedAndServes()
    {
        var ready = await Environments.LaunchAsync(fixture, Application, "hs-kill", Repository.Sample("node"), label: "kill-1");
        var victim = Assert.Single(ready.Instances);
        Assert.NotNull(victim.Pid);

        ProcessGroups.Kill(victim.Pid!.Value);
        var back = await Poll.UntilAsync(
            () => fixture.Api.GetEnvironmentAsync("hs-kill"),
            e => e.Instances.Count == 1 && e.Instances[0].State == InstanceState.InService && e.Instances[0].Pid is { } pid && pid != victim.Pid,
            TimeSpan.FromSeconds(30),
            "a new process serving after kill -9");
        fixture.Track(back);
        var served = await Poll.UntilAsync(() => fixture.Router.GetAsync(back.Cname), r => r.Status == 200, TimeSpan.FromSeconds(10), "the router serving again");
        Assert.Equal(200, served.Status);
        await fixture.Api.TerminateAsync("hs-kill");
    }

    private Task<EnvironmentHealthDescriptionDto> WaitForHealthAsync(string environment, Func<EnvironmentHealthDescriptionDto, bool> done, TimeSpan timeout) =>
        Poll.UntilAsync(
            () => fixture.Api.GetAsync<EnvironmentHealthDescriptionDto>($"/api/environments/{environment}/health/environment"),
            done,
            timeout,
            $"{environment}'s health");

    /// <summary>A Node.js app whose <c>/</c> answers 500 after GET /fail and 200 again after GET /recover; <c>/health</c> always answers 200.</summary>
    private static string Toggling()
    {
        var directory = TestApps.Scratch("toggling");
        File.WriteAllText(Path.Combine(directory, "Procfile"), "web: node toggling.js\n");
        File.WriteAllText(Path.Combine(directory, "toggling.js"), """
            let failing = false;
            require('http').createServer((req, res) => {
              if (req.url === '/fail') { failing = true; res.end('failing now\n'); return; }
              if (req.url === '/recover') { failing = false; res.end('recovered\n'); return; }
              if (req.url === '/health') { res.end('ok\n'); return; }
              res.statusCode = failing ? 500 : 200;
              res.end(failing ? 'broken\n' : 'fine\n');
            }).listen(Number(process.env.PORT), '127.0.0.1');
            """);
        return directory;
    }
}
