using System.Diagnostics;
using System.Globalization;
using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>What a deployment under load looked like from outside: requests, the fewest instances in service, how long it took.</summary>
internal sealed record DeployReport(long Succeeded, IReadOnlyList<string> Failures, int FewestInService, TimeSpan WallTime, EnvironmentDto Final)
{
    public override string ToString() =>
        $"{Succeeded} requests served, {Failures.Count} failed, at least {FewestInService} instance(s) in service, deployed in {WallTime.TotalSeconds:0.0} s";
}

/// <summary>Deploys a version while requests flow through the router, watching the instances all along.</summary>
internal static class DeploymentDrill
{
    public const string Command = "aws:elasticbeanstalk:command";

    public static readonly OptionSetting ShortDrain = new("aws:elasticbeanstalk:environment:process:default", "DeregistrationDelay", "2");

    public static OptionSetting Policy(string policy) => new(Command, "DeploymentPolicy", policy);

    public static OptionSetting HalfBatches { get; } = new(Command, "BatchSize", "50");

    /// <summary>A copy of the node sample labelled by its own content.</summary>
    public static Task<VersionDto> UploadNodeAsync(ServerFixture fixture, string application, string label) =>
        fixture.Api.UploadDirectoryAsync(application, label, TestApps.SampleVariant("node", label));

    /// <summary>
    /// The node sample with a health check path that answers 404, and a short command timeout, both from its own
    /// .ebextensions: every instance running it fails its health checks.
    /// </summary>
    public static string NodeFailingHealthCheck(int timeoutSeconds = 4)
    {
        var directory = TestApps.SampleVariant("node", $"unhealthy-{timeoutSeconds}");
        File.WriteAllText(Path.Combine(directory, ".ebextensions", "options.config"), $"""
            option_settings:
              aws:elasticbeanstalk:application:
                Application Healthcheck URL: /no-such-health-page
              aws:elasticbeanstalk:command:
                Timeout: {timeoutSeconds}
            """);
        return directory;
    }

    public static async Task<DeployReport> DeployUnderLoadAsync(ServerFixture fixture, EnvironmentDto environment, string label)
    {
        await using var load = RouterLoad.Start(fixture.Router, environment.Cname, concurrency: 4, maxDuration: TimeSpan.FromSeconds(90));
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        long eventsBefore;
        using (var response = await fixture.Api.PostAsync($"/api/environments/{environment.EnvironmentName}/deploy", new DeployRequest(label)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            eventsBefore = long.Parse(response.Headers.GetValues(OperationHeaders.EventsBefore).Single(), CultureInfo.InvariantCulture);
            Assert.True(long.Parse(response.Headers.GetValues(OperationHeaders.DeploymentId).Single(), CultureInfo.InvariantCulture) > 1);
        }

        // The answer's mark is just before the deployment's own first event.
        var first = (await fixture.Api.EventsAsync(environment.EnvironmentName)).Where(e => e.Id > eventsBefore).MinBy(e => e.Id);
        Assert.Equal($"Environment update is starting: deploying {label}.", first?.Message);

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

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the deployment of {label} did not end within 60 s");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        clock.Stop();
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(20));

        await load.StopAsync();
        return new DeployReport(load.Succeeded, [.. load.Failures], fewest, clock.Elapsed, current);
    }

    /// <summary>Every answer the router gives for the environment right now comes from <paramref name="label"/>.</summary>
    public static async Task AssertServesOnlyAsync(ServerFixture fixture, EnvironmentDto environment, string label)
    {
        for (var i = 0; i < 20; i++)
        {
            var (status, body) = await fixture.Router.GetAsync(environment.Cname);
            Assert.Equal(200, status);
            Assert.Contains($"version={label} ", body, StringComparison.Ordinal);
        }
    }
}
