using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;
using Xunit.Abstractions;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>`sprout shift`: one hostname moves from one environment to another in weighted steps, under load, through the real router.</summary>
[Collection(ServerCollection.Name)]
public sealed class CnameShiftTests(ServerFixture fixture, ITestOutputHelper output)
{
    /// <summary>Time after a step's event before its share is measured: the event is saved just before the route is published.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Shift_UnderLoad_MovesTheMixWithTheStepsAndEndsSwappedWithoutAFailedRequest()
    {
        var (blue, green) = await LaunchPairAsync("shift", TestApps.SampleVariant("node", "shift-s2"));

        List<LoadSample> samples;
        IReadOnlyList<EventDto> events = [];
        DateTimeOffset At(string message) => events.Single(e => e.Message.StartsWith(message, StringComparison.Ordinal)).EventDate;
        await using (var load = VersionedLoad.Start(fixture.Router, blue.Cname))
        {
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            using var cli = SproutCli.Start(fixture, TestApps.Scratch("shift-cli"), "shift", blue.EnvironmentName, "--to", green.EnvironmentName, "--steps", "25%:5s,75%:5s,100%");

            // Both environments are busy while the shift runs: other operations are refused with a reason.
            await Poll.UntilAsync(() => fixture.Api.GetEnvironmentAsync(green.EnvironmentName), e => e.Status == EnvironmentStatus.Updating, TimeSpan.FromSeconds(20), "the destination to be Updating");
            using (var refused = await fixture.Api.PostAsync($"/api/environments/{green.EnvironmentName}/deploy", new DeployRequest("s1")))
            {
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
                Assert.Contains("Must be Ready", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var shift = await SproutCli.FinishAsync(cli, TimeSpan.FromMinutes(2));
            output.WriteLine(shift.Output);
            Assert.True(shift.Code == 0, shift.Output);
            Assert.Contains("Sending 25 % of traffic to environment shift-green, 75 % to shift-blue.", shift.Stdout, StringComparison.Ordinal);
            Assert.Contains("Sending all traffic to environment shift-green.", shift.Stdout, StringComparison.Ordinal);
            events = await fixture.Api.EventsAsync(blue.EnvironmentName);
            var completed = At("Completed swapping CNAMEs for environments 'shift-blue' and 'shift-green'.") + Settle;
            await Poll.UntilAsync(() => Task.FromResult(load.Samples.Count(s => s.At > completed)), n => n >= 100, TimeSpan.FromSeconds(20), "100 answers after the swap");
            await load.StopAsync();
            samples = [.. load.Samples];
        }

        var failures = samples.Where(s => s.Status != 200).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {samples.Count} requests failed during the shift:\n" + string.Join("\n", failures.Take(20)));

        var quarter = At("Sending 25 %");
        var threeQuarters = At("Sending 75 %");
        var all = At("Sending all traffic");
        var swapped = At("Completed swapping CNAMEs for environments 'shift-blue' and 'shift-green'.");
        var before = Share(samples, DateTimeOffset.MinValue, quarter);
        var first = Share(samples, quarter + Settle, threeQuarters);
        var second = Share(samples, threeQuarters + Settle, all);
        var after = Share(samples, swapped + Settle, DateTimeOffset.MaxValue);
        output.WriteLine($"share of s2: before {before}, 25 % step {first}, 75 % step {second}, after {after}");
        Assert.Equal(0, before.Share);
        Assert.InRange(first.Share, 0.10, 0.42);
        Assert.InRange(second.Share, 0.58, 0.90);
        Assert.Equal(1, after.Share);
        Assert.All([before, first, second, after], window => Assert.True(window.Count >= 50, $"too few answers in a window to judge the mix ({window.Count})"));

        // The end state is a swap's: the hostname is the destination's, the source took the destination's old one.
        var blueAfter = await fixture.Api.GetEnvironmentAsync(blue.EnvironmentName);
        var greenAfter = await fixture.Api.GetEnvironmentAsync(green.EnvironmentName);
        Assert.Equal((EnvironmentStatus.Ready, EnvironmentStatus.Ready), (blueAfter.Status, greenAfter.Status));
        Assert.Equal((green.Cname, blue.Cname), (blueAfter.Cname, greenAfter.Cname));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, blue, "s2");
        await DeploymentDrill.AssertServesOnlyAsync(fixture, green, "s1");
        Assert.Contains("Completed swapping CNAMEs", await Environments.EventsTextAsync(fixture, green.EnvironmentName), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shift_DestinationAnswers5xx_AnalysisShiftsBackAndTheCliFailsNamingTheCause()
    {
        var (blue, green) = await LaunchPairAsync("shiftbad", CanaryRollbackTests.FailingOnItsPage("shiftbad-s2"),
            new OptionSetting("sprout:deployment:canary", "MinimumRequests", "10"));

        List<LoadSample> samples;
        (int Code, string Stdout, string Output) shift;
        await using (var load = VersionedLoad.Start(fixture.Router, blue.Cname))
        {
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            shift = await SproutCli.RunAsync(fixture, TestApps.Scratch("shiftbad-cli"), "shift", blue.EnvironmentName, "--to", green.EnvironmentName, "--steps", "20%:4s,100%", "--analyze");
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            await load.StopAsync();
            samples = [.. load.Samples];
        }

        output.WriteLine(shift.Output);
        Assert.Equal(1, shift.Code);
        Assert.Contains("Canary analysis failed: 5xx rate", shift.Output, StringComparison.Ordinal);
        Assert.Contains("Sending all traffic back to environment shiftbad-blue.", shift.Stdout, StringComparison.Ordinal);

        var blueAfter = await fixture.Api.GetEnvironmentAsync(blue.EnvironmentName);
        var greenAfter = await fixture.Api.GetEnvironmentAsync(green.EnvironmentName);
        Assert.Equal((EnvironmentStatus.Ready, EnvironmentStatus.Ready), (blueAfter.Status, greenAfter.Status));
        Assert.Equal((blue.Cname, green.Cname), (blueAfter.Cname, greenAfter.Cname));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, blue, "s1");

        // Only the destination's share failed, and only while it had one; nothing failed in transport.
        var failures = samples.Where(s => s.Status != 200).ToList();
        Assert.All(failures, f => Assert.Equal((500, "s2"), (f.Status, CanaryRollbackTests.VersionOf(f))));
        Assert.NotEmpty(failures);
        var events = await fixture.Api.EventsAsync(blue.EnvironmentName);
        var back = events.Single(e => e.Message.StartsWith("Sending all traffic back", StringComparison.Ordinal)).EventDate;
        Assert.DoesNotContain(failures, f => f.At > back + Settle);
    }

    [Fact]
    public async Task Shift_AbortedDuringAHold_SendsEverythingBackAndKeepsTheCnames()
    {
        var (blue, green) = await StartHeldShiftAsync("shiftabort");
        var abort = await SproutCli.RunAsync(fixture, TestApps.Scratch("shiftabort-cli"), "abort", blue.EnvironmentName);
        Assert.True(abort.Code == 1, abort.Output);

        var blueAfter = await fixture.Api.WaitForReadyAsync(blue.EnvironmentName, TimeSpan.FromSeconds(20));
        var greenAfter = await fixture.Api.WaitForReadyAsync(green.EnvironmentName, TimeSpan.FromSeconds(20));
        Assert.Equal((blue.Cname, green.Cname), (blueAfter.Cname, greenAfter.Cname));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, blue, "s1");
        await DeploymentDrill.AssertServesOnlyAsync(fixture, green, "s2");
        var events = await Environments.EventsTextAsync(fixture, green.EnvironmentName);
        Assert.Contains("Aborting the shift at the user's request.", events, StringComparison.Ordinal);
        Assert.Contains("Sending all traffic back to environment shiftabort-blue.", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shift_AbortedByTheDestinationsName_AbortsTheShiftOnItsSource()
    {
        var (blue, green) = await StartHeldShiftAsync("shiftdest");
        using (var abort = await fixture.Api.PostAsync($"/api/environments/{green.EnvironmentName}/abort", new { }))
        {
            Assert.Equal(HttpStatusCode.Accepted, abort.StatusCode);
        }

        var blueAfter = await fixture.Api.WaitForReadyAsync(blue.EnvironmentName, TimeSpan.FromSeconds(20));
        var greenAfter = await fixture.Api.WaitForReadyAsync(green.EnvironmentName, TimeSpan.FromSeconds(20));
        Assert.Equal((blue.Cname, green.Cname), (blueAfter.Cname, greenAfter.Cname));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, blue, "s1");
        Assert.Contains("Aborting the shift at the user's request.", await Environments.EventsTextAsync(fixture, blue.EnvironmentName), StringComparison.Ordinal);
    }

    /// <summary>NAME-blue on s1 shifting to NAME-green on s2, holding 50 % for a minute: a shift in progress to act on.</summary>
    private async Task<(EnvironmentDto Blue, EnvironmentDto Green)> StartHeldShiftAsync(string name)
    {
        var blue = await Environments.LaunchAsync(fixture, name, $"{name}-blue", TestApps.SampleVariant("node", $"{name}-s1"), label: "s1");
        await fixture.Api.UploadDirectoryAsync(name, "s2", TestApps.SampleVariant("node", $"{name}-s2"));
        var green = await Environments.CreateAsync(fixture, name, $"{name}-green", "s2", 1);
        using (var response = await fixture.Api.PostAsync($"/api/environments/{blue.EnvironmentName}/shift", new ShiftRequest(green.EnvironmentName, "50%:1m,100%")))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await Poll.UntilAsync(() => Environments.EventsTextAsync(fixture, blue.EnvironmentName), e => e.Contains($"Evaluating environment {green.EnvironmentName}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the shift to hold its first share");
        return (blue, green);
    }

    private async Task<(EnvironmentDto Blue, EnvironmentDto Green)> LaunchPairAsync(string name, string greenSource, params OptionSetting[] options)
    {
        var blue = await Environments.LaunchAsync(fixture, name, $"{name}-blue", TestApps.SampleVariant("node", $"{name}-s1"), instances: 2, label: "s1",
            options: [DeploymentDrill.ShortDrain, .. options]);
        var version = await fixture.Api.UploadDirectoryAsync(name, "s2", greenSource);
        Assert.True(version.Status == VersionStatus.Processed, $"build of s2 failed: {version.FailureReason}");
        var green = await Environments.CreateAsync(fixture, name, $"{name}-green", "s2", 2, DeploymentDrill.ShortDrain);
        Assert.Equal((2, 2), (blue.Instances.Count(i => i.State == InstanceState.InService), green.Instances.Count(i => i.State == InstanceState.InService)));
        return (blue, green);
    }

    private static (double Share, int Count) Share(IReadOnlyList<LoadSample> samples, DateTimeOffset from, DateTimeOffset to)
    {
        var served = samples.Where(s => s.Status == 200 && s.At >= from && s.At < to).ToList();
        return (served.Count == 0 ? 0 : Math.Round((double)served.Count(s => s.Version == "s2") / served.Count, 3), served.Count);
    }
}
