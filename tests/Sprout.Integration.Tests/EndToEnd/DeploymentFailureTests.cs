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

    private async Task<Core.Api.EnvironmentDto> LaunchWithBrokenVersionAsync(string name, params OptionSetting[] options)
    {
        var ready = await Environments.LaunchAsync(fixture, name, $"{name}-env", TestApps.SampleVariant("node", name), instances: 4,
            options: [DeploymentDrill.ShortDrain, .. options]);
        var broken = await fixture.Api.UploadDirectoryAsync(name, "broken", DeploymentDrill.NodeFailingHealthCheck());
        Assert.Equal(VersionStatus.Processed, broken.Status);
        return ready;
    }
}
