using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Sprout.Integration.Tests.Routing;
using Sprout.Server.Metrics;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Metrics;

public sealed class RouterMetricsFunctionalTests
{
    [Fact]
    public async Task RealRouter_MixedResponses_ShowUpInSnapshotAndPrometheusText()
    {
        await using var backend = await TestBackend.StartAsync("i-web-1");
        var metrics = new RouterMetrics(TimeProvider.System);
        var table = new RouteTable();
        var options = new RouterOptions(IPAddress.Loopback, 0, "localhost") { RequestTimeout = TimeSpan.FromSeconds(10) };
        await using var router = await RouterHost.StartAsync(options, table, NullLoggerFactory.Instance, metrics, CancellationToken.None);
        table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [backend.Target]));
        table.SetEnvironment(EnvironmentRoute.Of("broken", ["broken.localhost"], [new RouteTarget("i-dead", "127.0.0.1", RouterTestContext.ClosedPort())]));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{router.Port}") };

        var statuses = new List<HttpStatusCode>();
        foreach (var (host, path) in new[] { ("web.localhost", "/"), ("web.localhost", "/"), ("web.localhost", "/status/500"), ("web.localhost", "/"), ("web.localhost", "/status/500"), ("broken.localhost", "/") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway], statuses);

        // The router reports after the response completes, which can trail the client seeing it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((metrics.Snapshot("web", null, RouterMetrics.MaxWindow).RequestCount < 5 || metrics.Snapshot("broken", null, RouterMetrics.MaxWindow).RequestCount < 1)
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var web = metrics.Snapshot("web", "i-web-1", RouterMetrics.MaxWindow);
        Assert.Equal((5L, 3L, 2L), (web.RequestCount, web.Status2xx, web.Status5xx));
        Assert.Equal(40.0, web.Percent5xx, 6);
        Assert.NotNull(web.Latency);
        Assert.InRange(web.Latency.P50, 0, 5);
        var broken = metrics.Snapshot("broken", null, RouterMetrics.MaxWindow);
        Assert.Equal((1L, 1L), (broken.RequestCount, broken.Status5xx));

        var text = PrometheusText.Parse(PrometheusWriter.ToText(metrics));
        Assert.Equal(3, text.Named("sprout_router_requests_total", "web", "i-web-1").Single(s => s.Labels["code_class"] == "2xx").Value);
        Assert.Equal(2, text.Named("sprout_router_requests_total", "web", "i-web-1").Single(s => s.Labels["code_class"] == "5xx").Value);
        Assert.Empty(text.Named("sprout_router_request_failures_total", "web", "i-web-1"));
        var failure = Assert.Single(text.Named("sprout_router_request_failures_total", "broken", "i-dead"));
        Assert.Equal(("connection_refused", 1.0), (failure.Labels["cause"], failure.Value));
        Assert.Equal(5, Assert.Single(text.Named("sprout_router_request_duration_seconds_count", "web", "i-web-1")).Value);
    }
}
