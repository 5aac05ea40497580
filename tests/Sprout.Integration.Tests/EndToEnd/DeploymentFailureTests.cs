using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;
using Xunit.Abstractions;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>A version whose health check fails ends each policy as docs/deployments.md says, with the old version still serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeploymentFailureTests(ServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Rolling_UnhealthyVersion_StopsAfterTheFirstBatchAndTheRestKeepServing()
    {
        var ready = await LaunchWithBrokenVersionAsync("rollfail", DeploymentDrill.Policy("Rolling"), DeploymentDrill.HalfBatches);
        var report = await DeploymentDrill.DeployUnderLoadAsync(fixture, ready, "broken");
        output.WriteLine($"Rolling, failing: {report}");

        // No automatic rollback: the pending batch keeps v1 and serves; the failed batch stays out of the router.
        Assert.Empty(report.Failures);
        Assert.Equal("v1", report.Final.VersionLabel);
        Assert.True(report.Final.Instances.Count(i => i.VersionLabel == "v1" && i.State == InstanceState.InService) >= 2, report.ToString());
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");
        var events = await Environments.EventsTextAsync(fixture, "rollfail-env");
        Assert.Contains("did not pass their health checks within the command timeout", events, StringComparison.Ordinal);
        Assert.Contains("Failed to deploy application.", events, StringComparison.Ordinal);
        Assert.DoesNotContain("Batch 2: Taking", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Immutable_UnhealthyVersion_TerminatesTheNewInstancesAndLeavesTheOriginals()
    {
        var ready = await LaunchWithBrokenVersionAsync("immfail", DeploymentDrill.Policy("Immutable"));
        var originals = ready.Instances.Select(i => i.InstanceId).Order().ToList();
        var report = await DeploymentDrill.DeployUnderLoadAsync(fixture, ready, "broken");
        output.WriteLine($"Immutable, failing: {report}");

        Assert.Empty(report.Failures);
        Assert.Equal(4, report.FewestInService);
        Assert.Equal("v1", report.Final.VersionLabel);
        Assert.Equal(originals, report.Final.Instances.Select(i => i.InstanceId).Order().ToList());
        Assert.All(report.Final.Instances, i => Assert.Equal(("v1", InstanceState.InService), (i.VersionLabel, i.State)));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");
        var events = await Environments.EventsTextAsync(fixture, "immfail-env");
        Assert.Contains("Failed to deploy application.", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollingWithAdditionalBatch_UnhealthyVersion_TerminatesTheAdditionalBatchAndTouchesNothingElse()
    {
        var ready = await LaunchWithBrokenVersionAsync("extrafail", DeploymentDrill.Policy("RollingWithAdditionalBatch"), DeploymentDrill.HalfBatches);
        var originals = ready.Instances.Select(i => i.InstanceId).Order().ToList();
        var report = await DeploymentDrill.DeployUnderLoadAsync(fixture, ready, "broken");
        output.WriteLine($"RollingWithAdditionalBatch, failing: {report}");

        // The additional batch is the first to run the new version: when it fails, it goes and no original was touched.
        Assert.Empty(report.Failures);
        Assert.Equal(4, report.FewestInService);
        Assert.Equal("v1", report.Final.VersionLabel);
        Assert.Equal(originals, report.Final.Instances.Select(i => i.InstanceId).Order().ToList());
        Assert.All(report.Final.Instances, i => Assert.Equal(("v1", InstanceState.InService), (i.VersionLabel, i.State)));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");
        var events = await Environments.EventsTextAsync(fixture, "extrafail-env");
        Assert.Contains("The additional batch was terminated", events, StringComparison.Ordinal);
        Assert.DoesNotContain("Batch 1: Taking", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrafficSplitting_UnhealthyVersion_GetsNoTrafficAndIsTerminated()
    {
        var ready = await LaunchWithBrokenVersionAsync("splitfail", DeploymentDrill.Policy("TrafficSplitting"));
        var originals = ready.Instances.Select(i => i.InstanceId).Order().ToList();
        var report = await DeploymentDrill.DeployUnderLoadAsync(fixture, ready, "broken");
        output.WriteLine($"TrafficSplitting, failing: {report}");

        // The new fleet never passed its health checks, so no traffic was ever sent to it.
        Assert.Empty(report.Failures);
        Assert.Equal(4, report.FewestInService);
        Assert.Equal("v1", report.Final.VersionLabel);
        Assert.Equal(originals, report.Final.Instances.Select(i => i.InstanceId).Order().ToList());
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");
        var events = await Environments.EventsTextAsync(fixture, "splitfail-env");
        Assert.Contains("Failed to deploy application.", events, StringComparison.Ordinal);
        Assert.DoesNotContain("% of traffic to the new version", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllAtOnce_UnhealthyVersion_LeavesTheApplicationDown_AndRedeployingThePreviousVersionRestoresIt()
    {
        var ready = await LaunchWithBrokenVersionAsync("aaofail", DeploymentDrill.Policy("AllAtOnce"));

        await DeployAndWaitAsync("aaofail-env", "broken");

        // Beanstalk leaves the instances out of service and the version label back on the last good deployment.
        var failed = await fixture.Api.GetEnvironmentAsync("aaofail-env");
        Assert.Equal("v1", failed.VersionLabel);
        Assert.DoesNotContain(failed.Instances, i => i.State == InstanceState.InService);
        var (status, _) = await fixture.Router.GetAsync(ready.Cname);
        Assert.Equal(503, status);
        var events = await Environments.EventsTextAsync(fixture, "aaofail-env");
        Assert.Contains("Failed to deploy application.", events, StringComparison.Ordinal);
        Assert.Contains("Redeploy v1", events, StringComparison.Ordinal);

        // The recommended action: the build of v1 is kept, so redeploying it is quick.
        await DeployAndWaitAsync("aaofail-env", "v1");
        var restored = await fixture.Api.GetEnvironmentAsync("aaofail-env");
        Assert.All(restored.Instances, i => Assert.Equal(("v1", InstanceState.InService), (i.VersionLabel, i.State)));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");
    }

    private async Task DeployAndWaitAsync(string environment, string label)
    {
        using (var response = await fixture.Api.PostAsync($"/api/environments/{environment}/deploy", new Core.Api.DeployRequest(label)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        fixture.Track(await fixture.Api.WaitForReadyAsync(environment));
    }

    private async Task<Core.Api.EnvironmentDto> LaunchWithBrokenVersionAsync(string name, params OptionSetting[] options)
    {
        var ready = await Environments.LaunchAsync(fixture, name, $"{name}-env", TestApps.SampleVariant("node", name), instances: 4,
            options: [DeploymentDrill.ShortDrain, .. options]);
        var broken = await fixture.Api.UploadDirectoryAsync(name, "broken", DeploymentDrill.NodeFailingHealthCheck());
        Assert.Equal(VersionStatus.Processed, broken.Status);
        return ready;
    }
}
