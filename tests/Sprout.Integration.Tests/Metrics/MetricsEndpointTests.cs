using System.Net;
using System.Net.Http.Headers;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.Metrics;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task GetMetrics_OnTheApiListener_RequiresTheTokenAndServesPrometheusText()
    {
        await using var server = await SproutServerProcess.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(server.ApiUrl) };

        using var anonymous = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("counter", text.Types["sprout_router_requests_total"]);
        Assert.Equal("histogram", text.Types["sprout_router_request_duration_seconds"]);
    }
}
