using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Router options set on an environment reach the router: extra host names, stickiness.</summary>
[Collection(ServerCollection.Name)]
public sealed class RoutingOptionsTests(ServerFixture fixture)
{
    [Fact]
    public async Task ExtraHostnamesAndStickiness_ServeTheEnvironment()
    {
        var ready = await Environments.LaunchAsync(fixture, "routing", "routing-env", Repository.Sample("node"), instances: 2, options:
        [
            new OptionSetting("sprout:router", "Hostnames", "www.routing.test, API.routing.test"),
            new OptionSetting("aws:elasticbeanstalk:environment:process:default", "StickinessEnabled", "true"),
        ]);

        Assert.Equal(200, (await fixture.Router.GetAsync(ready.Cname)).Status);
        Assert.Equal(200, (await fixture.Router.GetAsync("www.routing.test")).Status);
        Assert.Equal(200, (await fixture.Router.GetAsync("api.routing.test:8080")).Status);
        Assert.Equal(404, (await fixture.Router.GetAsync("other.routing.test")).Status);

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false });
        using var first = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{fixture.Router.Port}/");
        first.Headers.Host = ready.Cname;
        using var firstResponse = await client.SendAsync(first);
        var cookie = firstResponse.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var instance = (await firstResponse.Content.ReadAsStringAsync()).Split("instance=")[1].Trim();
        Assert.Equal($"AWSALB={instance}", cookie);
        for (var i = 0; i < 6; i++)
        {
            using var again = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{fixture.Router.Port}/");
            again.Headers.Host = ready.Cname;
            again.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(again);
            Assert.EndsWith($"instance={instance}", (await response.Content.ReadAsStringAsync()).Trim(), StringComparison.Ordinal);
        }
    }
}
