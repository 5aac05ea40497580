using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Instances leave the router before they stop, so scaling in under load drops nothing.</summary>
[Collection(ServerCollection.Name)]
public sealed class DrainingTests(ServerFixture fixture)
{
    [Fact]
    public async Task ScaleInUnderLoad_DropsNoRequest()
    {
        var ready = await Environments.LaunchAsync(fixture, "draining", "drain-env", Repository.Sample("node"), instances: 3,
            options: new OptionSetting("aws:elasticbeanstalk:environment:process:default", "DeregistrationDelay", "3"));
        Assert.Equal(3, ready.Instances.Count(i => i.State == InstanceState.InService));

        await using var load = RouterLoad.Start(fixture.Router, ready.Cname, concurrency: 6);
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));

        using (var response = await fixture.Api.PostAsync("/api/environments/drain-env/scale", new ScaleRequest(1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var scaledIn = await fixture.Api.WaitForReadyAsync("drain-env");
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
        await load.StopAsync();

        Assert.Single(scaledIn.Instances, i => i.State == InstanceState.InService);
        Assert.True(load.Failures.Count == 0, "failed requests while scaling in:\n" + string.Join("\n", load.Failures.Take(20)));
        Assert.True(load.Succeeded > 200);
    }
}
