using Sprout.Server.Metrics;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Targets;

namespace Sprout.Integration.Tests.Metrics;

public sealed class PrometheusWriterTests
{
    private const string Duration = "sprout_router_request_duration_seconds";

    [Fact]
    public void Write_EveryFamily_HasHelpAndTypeBeforeItsSamples()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        metrics.RequestCompleted("web", "i-1", 502, TimeSpan.FromMilliseconds(3), ForwarderError.Request);

        var raw = PrometheusWriter.ToText(metrics);
        var text = PrometheusText.Parse(raw);

        Assert.Equal("counter", text.Types["sprout_router_requests_total"]);
        Assert.Equal("counter", text.Types["sprout_router_request_failures_total"]);
        Assert.Equal("histogram", text.Types[Duration]);
        Assert.All(text.Types.Keys, name => Assert.True(text.Help.ContainsKey(name)));
        var lines = raw.Split('\n');
        foreach (var family in text.Types.Keys.Where(f => text.Samples.Any(sample => sample.Name.StartsWith(f, StringComparison.Ordinal))))
        {
            var typeLine = Array.IndexOf(lines, $"# TYPE {family} {text.Types[family]}");
            var firstSample = Array.FindIndex(lines, l => l.StartsWith(family + "{", StringComparison.Ordinal) || l.StartsWith(family + "_", StringComparison.Ordinal));
            Assert.InRange(firstSample, typeLine + 1, lines.Length);
        }

        var classes = text.Named("sprout_router_requests_total", "web", "i-1").ToDictionary(s => s.Labels["code_class"], s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["1xx"] = 0, ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 1 }, classes);
    }

    [Fact]
    public void Write_BytesGroupsAndTargetGauges()
    {
        var time = new ManualTimeProvider();
        var metrics = new RouterMetrics(time);
        metrics.RequestCompleted(new RoutedRequest("web", "blue", "i-1", 200, TimeSpan.FromMilliseconds(2), ForwarderError.None, 100, 2048));
        metrics.RequestCompleted(new RoutedRequest("web", "blue", "i-1", 200, TimeSpan.FromMilliseconds(2), ForwarderError.None, 0, 1024));
        metrics.RequestCompleted(new RoutedRequest("web", "green", "i-2", 503, TimeSpan.FromMilliseconds(2), ForwarderError.None, 0, 10));
        var targets = new TargetStates(PassiveHealthOptions.Default, time);
        targets.Get("i-1");
        targets.Get("i-2").Report(ForwarderError.Request);

        var raw = PrometheusWriter.ToText(metrics, targets);

        Assert.Contains("sprout_router_request_bytes_total{environment=\"web\",instance=\"i-1\"} 100\n", raw, StringComparison.Ordinal);
        Assert.Contains("sprout_router_response_bytes_total{environment=\"web\",instance=\"i-1\"} 3072\n", raw, StringComparison.Ordinal);
        Assert.Contains("sprout_router_target_group_requests_total{environment=\"web\",target_group=\"blue\",code_class=\"2xx\"} 2\n", raw, StringComparison.Ordinal);
        Assert.Contains("sprout_router_target_group_requests_total{environment=\"web\",target_group=\"green\",code_class=\"5xx\"} 1\n", raw, StringComparison.Ordinal);
        Assert.Contains("sprout_router_requests_in_flight{instance=\"i-1\"} 0\n", raw, StringComparison.Ordinal);
        Assert.Contains("sprout_router_target_ejected{instance=\"i-2\"} 1\n", raw, StringComparison.Ordinal);
        Assert.Contains("sprout_router_target_ejected{instance=\"i-1\"} 0\n", raw, StringComparison.Ordinal);
        var text = PrometheusText.Parse(raw);
        Assert.Equal("gauge", text.Types["sprout_router_requests_in_flight"]);
        Assert.Equal("counter", text.Types["sprout_router_response_bytes_total"]);
    }

    [Fact]
    public void Write_Histogram_BucketsCumulativeAndInfEqualsCount()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        var latencies = new[] { 0.00005, 0.0003, 0.002, 0.002, 0.05, 0.4, 3, 75 };
        foreach (var seconds in latencies)
        {
            metrics.RequestCompleted("web", "i-1", 200, TimeSpan.FromSeconds(seconds), ForwarderError.None);
        }

        var text = PrometheusText.Parse(PrometheusWriter.ToText(metrics));

        var buckets = text.Named(Duration + "_bucket", "web", "i-1").ToList();
        Assert.Equal(LatencyBuckets.UpperBounds.Count + 1, buckets.Count);
        Assert.Equal("+Inf", buckets[^1].Labels["le"]);
        var bounds = buckets.SkipLast(1).Select(b => double.Parse(b.Labels["le"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(0.0001, bounds[0]);
        Assert.Equal(60, bounds[^1]);
        for (var i = 1; i < buckets.Count; i++)
        {
            Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"bucket {buckets[i].Labels["le"]} is below its predecessor");
            if (i < bounds.Count)
            {
                Assert.True(bounds[i] > bounds[i - 1]);
            }
        }

        var count = Assert.Single(text.Named(Duration + "_count", "web", "i-1")).Value;
        Assert.Equal(latencies.Length, count);
        Assert.Equal(count, buckets[^1].Value);
        Assert.Equal(7, buckets[^2].Value);
        Assert.Equal(latencies.Sum(), Assert.Single(text.Named(Duration + "_sum", "web", "i-1")).Value, 6);
        Assert.Equal(4, buckets[bounds.FindIndex(b => b >= 0.002)].Value);
    }

    [Fact]
    public void Write_LabelValuesWithQuotesBackslashesAndNewlines_AreEscaped()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        const string environment = "we\"ird\\env\nname";
        metrics.RequestCompleted(environment, "i-\"1\"", 200, TimeSpan.FromMilliseconds(1), ForwarderError.None);

        var raw = PrometheusWriter.ToText(metrics);
        var text = PrometheusText.Parse(raw);

        Assert.Contains("environment=\"we\\\"ird\\\\env\\nname\",instance=\"i-\\\"1\\\"\"", raw, StringComparison.Ordinal);
        Assert.Equal(1, text.Named("sprout_router_requests_total", environment, "i-\"1\"").Single(s => s.Labels["code_class"] == "2xx").Value);
        Assert.Equal("a\\\\b\\\"c\\n", PrometheusWriter.EscapeLabelValue("a\\b\"c\n"));
    }

    [Fact]
    public void Write_NoTraffic_WritesOnlyHeaders()
    {
        var text = PrometheusText.Parse(PrometheusWriter.ToText(new RouterMetrics(new ManualTimeProvider())));

        Assert.Empty(text.Samples);
        Assert.Equal(6, text.Types.Count);
    }
}
