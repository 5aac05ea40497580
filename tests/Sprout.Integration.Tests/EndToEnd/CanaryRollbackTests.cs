using System.Net;
using System.Text.RegularExpressions;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;
using Xunit.Abstractions;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>A TrafficSplitting deployment whose canary answers 5xx is rolled back by the canary analysis, under load.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class CanaryRollbackTests(ServerFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// The node sample, except that its page answers 500 (naming its version) while its health check path passes: a
    /// release that is healthy to the load balancer and broken for users, which only the canary analysis catches.
    /// </summary>
    public static string FailingOnItsPage(string marker)
    {
        var directory = TestApps.SampleVariant("node", marker);
        File.WriteAllText(Path.Combine(directory, "server.js"), """
            'use strict';
            const http = require('http');
            const server = http.createServer((request, response) => {
              if (request.url === '/health') { response.writeHead(200); response.end('ok\n'); return; }
              response.writeHead(500, { 'Content-Type': 'text/plain' });
              response.end(`broken release version=${process.env.SPROUT_VERSION_LABEL || ''} instance=${process.env.SPROUT_INSTANCE_ID || ''}\n`);
            });
            server.listen(Number(process.env.PORT || 8080), '127.0.0.1');
            process.on('SIGTERM', () => server.close(() => process.exit(0)));
            """);
        return directory;
    }

    internal static string? VersionOf(LoadSample sample) =>
        sample.Error is { } body && VersionPattern().Match(body) is { Success: true } match ? match.Groups[1].Value : sample.Version;

    [Fact]
    public async Task TrafficSplitting_CanaryAnswers5xx_RolledBackByAnalysisWithOnlyTheCanaryShareFailing()
    {
        var ready = await Environments.LaunchAsync(fixture, "canaryfail", "canaryfail-env", TestApps.SampleVariant("node", "canaryfail-v1"), instances: 2, label: "v1",
            options:
            [
                DeploymentDrill.ShortDrain,
                DeploymentDrill.Policy("TrafficSplitting"),
                new OptionSetting("sprout:deployment:canary", "Steps", "25%:4s,100%"),
                new OptionSetting("sprout:deployment:canary", "MinimumRequests", "10"),
            ]);
        var originals = ready.Instances.Select(i => i.InstanceId).Order().ToList();
        var version = await fixture.Api.UploadDirectoryAsync("canaryfail", "v2", FailingOnItsPage("canaryfail-v2"));
        Assert.True(version.Status == VersionStatus.Processed, $"build of v2 failed: {version.FailureReason}");

        List<LoadSample> samples;
        EnvironmentDto final;
        await using (var load = VersionedLoad.Start(fixture.Router, ready.Cname))
        {
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            using (var response = await fixture.Api.PostAsync($"/api/environments/{ready.EnvironmentName}/deploy", new DeployRequest("v2")))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            await Poll.UntilAsync(() => fixture.Api.GetEnvironmentAsync(ready.EnvironmentName), e => e.Status == EnvironmentStatus.Updating, TimeSpan.FromSeconds(10), "the deployment to start");
            final = await fixture.Api.WaitForReadyAsync(ready.EnvironmentName, TimeSpan.FromSeconds(90));
            fixture.Track(final);
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            await load.StopAsync();
            samples = [.. load.Samples];
        }

        var events = await fixture.Api.EventsAsync(ready.EnvironmentName);
        output.WriteLine(string.Join("\n", events.OrderBy(e => e.Id).Select(e => $"{e.EventDate:HH:mm:ss.fff} {e.Severity} {e.Message}")));
        Assert.Contains(events, e => e.Severity == EventSeverity.ERROR && e.Message.Contains("Canary analysis failed: 5xx rate", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Message == "Failed to deploy application.");

        // Everything is back on the old version: the same instances, the new ones terminated.
        Assert.Equal("v1", final.VersionLabel);
        Assert.Equal(originals, final.Instances.Select(i => i.InstanceId).Order().ToList());
        Assert.All(final.Instances, i => Assert.Equal(("v1", InstanceState.InService), (i.VersionLabel, i.State)));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");

        // Only the canary's answers failed, all as its own 500s, and only while it had its share.
        var failures = samples.Where(s => s.Status != 200).ToList();
        var shifted = events.Single(e => e.Message.StartsWith("Sending 25 % of traffic to the new version", StringComparison.Ordinal)).EventDate;
        var back = events.Where(e => e.Message.Contains("failed", StringComparison.Ordinal) && e.Message.Contains("Canary analysis", StringComparison.Ordinal)).Min(e => e.EventDate);
        var during = samples.Count(s => s.At >= shifted && s.At <= back);
        output.WriteLine($"{samples.Count} requests, {failures.Count} failed, {during} while the canary had its share");
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal((500, "v2"), (f.Status, VersionOf(f))));
        Assert.DoesNotContain(failures, f => f.At < shifted || f.At > back + TimeSpan.FromSeconds(1));
        Assert.InRange(failures.Count, 1, (int)(during * 0.45) + 5);
    }

    [GeneratedRegex(@"version=(\S+)")]
    private static partial Regex VersionPattern();
}
