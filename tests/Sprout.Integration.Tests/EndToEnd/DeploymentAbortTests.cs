using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary><c>sprout abort</c>: a deployment stopped mid-way returns the environment to its last good state.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeploymentAbortTests(ServerFixture fixture)
{
    [Fact]
    public async Task Abort_WhileImmutableWaitsForHealth_TerminatesTheNewInstancesAndKeepsTheOriginals()
    {
        var ready = await Environments.LaunchAsync(fixture, "abortimm", "abortimm-env", TestApps.SampleVariant("node", "abortimm"), instances: 2,
            options: [DeploymentDrill.ShortDrain, DeploymentDrill.Policy("Immutable")]);
        var originals = ready.Instances.Select(i => i.InstanceId).Order().ToList();
        // Its health check never passes and its command timeout is long: without an abort the deployment would wait minutes.
        Assert.Equal(VersionStatus.Processed, (await fixture.Api.UploadDirectoryAsync("abortimm", "stuck", DeploymentDrill.NodeFailingHealthCheck(timeoutSeconds: 300))).Status);
        using (var nothing = await fixture.Api.Http.PostAsync("/api/environments/abortimm-env/abort", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, nothing.StatusCode);
        }

        using (var deploy = await fixture.Api.PostAsync("/api/environments/abortimm-env/deploy", new DeployRequest("stuck")))
        {
            Assert.Equal(HttpStatusCode.Accepted, deploy.StatusCode);
        }

        await Poll.UntilAsync(() => fixture.Api.GetEnvironmentAsync("abortimm-env"), e => e.Instances.Count > 2, TimeSpan.FromSeconds(30), "the new instance to be launched");
        using (var abort = await fixture.Api.Http.PostAsync("/api/environments/abortimm-env/abort", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, abort.StatusCode);
        }

        var after = await fixture.Api.WaitForReadyAsync("abortimm-env", TimeSpan.FromSeconds(60));
        Assert.Equal("v1", after.VersionLabel);
        Assert.Equal(originals, after.Instances.Select(i => i.InstanceId).Order().ToList());
        Assert.All(after.Instances, i => Assert.Equal(("v1", InstanceState.InService), (i.VersionLabel, i.State)));
        await DeploymentDrill.AssertServesOnlyAsync(fixture, ready, "v1");
        Assert.Contains("Aborting the deployment at the user's request.", await Environments.EventsTextAsync(fixture, "abortimm-env"), StringComparison.Ordinal);
    }
}
