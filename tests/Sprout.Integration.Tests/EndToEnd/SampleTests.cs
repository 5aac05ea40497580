using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Every sample: uploaded, built, launched as real processes, and requested through the router.</summary>
[Collection(ServerCollection.Name)]
public sealed class SampleTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("node", 2)]
    [InlineData("python", 1)]
    [InlineData("dotnet", 1)]
    [InlineData("go", 1)]
    [InlineData("static", 1)]
    [InlineData("procfile", 1)]
    public async Task Sample_BuildsLaunchesAndServesThroughTheRouter(string sample, int instances)
    {
        var environment = $"sample-{sample}";
        var ready = await Environments.LaunchAsync(fixture, $"sample-{sample}", environment, Repository.Sample(sample), instances);

        Assert.Equal(HealthColor.Green, ready.Health);
        Assert.Equal(instances, ready.Instances.Count(i => i.State == InstanceState.InService));
        var (status, body) = await fixture.Router.GetAsync(ready.Cname);
        Assert.Equal(200, status);
        Assert.Contains(sample == "procfile" ? "procfile" : sample, body, StringComparison.OrdinalIgnoreCase);

        if (instances > 1)
        {
            // Both instances answer: the router spreads requests over every in-service instance.
            var seen = new HashSet<string>();
            for (var i = 0; i < 20 && seen.Count < instances; i++)
            {
                var (_, text) = await fixture.Router.GetAsync(ready.Cname);
                seen.Add(ready.Instances.Single(x => text.Contains(x.InstanceId, StringComparison.Ordinal)).InstanceId);
            }

            Assert.Equal(instances, seen.Count);
        }

        await fixture.Api.TerminateAsync(environment);
        Assert.Equal(404, (await fixture.Router.GetAsync(ready.Cname)).Status);
    }
}
