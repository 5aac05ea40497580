using System.Globalization;
using Sprout.Core.Health.Enhanced;
using Sprout.Server.Metrics;
using Sprout.Server.Metrics.SystemMetrics;

namespace Sprout.Integration.Tests.Metrics.SystemMetrics;

public sealed class InstanceSystemMetricsTests
{
    [Fact]
    public async Task Sample_KeysReadingsByInstance_AndDropsInstancesNotAskedFor()
    {
        await using var busy = await StartedProcessGroup.StartAsync("while :; do :; done & while :; do :; done & wait", members: 3);
        var metrics = new InstanceSystemMetrics(TimeProvider.System);

        metrics.Sample(new Dictionary<string, int> { ["i-busy"] = busy.ProcessGroup, ["i-gone"] = int.MaxValue - 1 });
        var first = metrics.Of("i-busy");
        Assert.NotNull(first);
        Assert.Equal(3, first.ProcessCount);
        Assert.True(first.ResidentBytes > 0);
        Assert.Null(metrics.Of("i-gone"));

        var cpu = await Platform.Poll.UntilAsync(
            () =>
            {
                metrics.Sample(new Dictionary<string, int> { ["i-busy"] = busy.ProcessGroup });
                return Task.FromResult(metrics.Of("i-busy")?.Cpu);
            },
            c => c is { TotalPercent: > 10 },
            TimeSpan.FromSeconds(10),
            "CPU of two busy loops");
        Assert.NotNull(cpu);
        Assert.NotNull(metrics.Host?.LoadAverage);

        metrics.Sample(new Dictionary<string, int>());
        Assert.Null(metrics.Of("i-busy"));
        Assert.Empty(metrics.All);
    }

    [Fact]
    public void HealthWriter_WritesStableNamesAndOneStatusAtOne()
    {
        var reading = new InstanceSystemReading("i-1", 4242, 2, 52_428_800, new ProcessGroupCpu(12.5, 2.5, 0.3), DateTimeOffset.UnixEpoch);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);

        HealthPrometheusWriter.Write(writer, [new EnvironmentGauge("web \"prod\"", HealthStatus.Degraded, 3, 2)], [new InstanceGauge("web \"prod\"", reading)], new LoadAverage(0.5, 1.25, 2));
        var text = writer.ToString();

        Assert.Contains("sprout_instance_cpu_percent{environment=\"web \\\"prod\\\"\",instance=\"i-1\",mode=\"user\"} 12.5\n", text, StringComparison.Ordinal);
        Assert.Contains("sprout_instance_cpu_percent{environment=\"web \\\"prod\\\"\",instance=\"i-1\",mode=\"system\"} 2.5\n", text, StringComparison.Ordinal);
        Assert.Contains("sprout_instance_memory_rss_bytes{environment=\"web \\\"prod\\\"\",instance=\"i-1\"} 52428800\n", text, StringComparison.Ordinal);
        Assert.Contains("sprout_instance_processes{environment=\"web \\\"prod\\\"\",instance=\"i-1\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("sprout_host_load_average{period=\"5m\"} 1.25\n", text, StringComparison.Ordinal);
        Assert.Contains("sprout_environment_desired_capacity{environment=\"web \\\"prod\\\"\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("sprout_environment_instances_in_service{environment=\"web \\\"prod\\\"\"} 2\n", text, StringComparison.Ordinal);
        var statuses = text.Split('\n').Where(l => l.StartsWith("sprout_environment_health_status{", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enum.GetValues<HealthStatus>().Length, statuses.Count);
        Assert.Equal("sprout_environment_health_status{environment=\"web \\\"prod\\\"\",status=\"Degraded\"} 1", Assert.Single(statuses, l => l.EndsWith(" 1", StringComparison.Ordinal)));
        Assert.Contains("# TYPE sprout_environment_health_status gauge\n", text, StringComparison.Ordinal);
    }
}
