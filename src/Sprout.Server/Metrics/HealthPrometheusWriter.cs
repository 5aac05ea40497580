using System.Globalization;
using Sprout.Core.Health.Enhanced;
using Sprout.Server.Metrics.SystemMetrics;

namespace Sprout.Server.Metrics;

/// <summary>One environment's line in <c>/metrics</c>: its enhanced health status and capacity.</summary>
public sealed record EnvironmentGauge(string EnvironmentName, HealthStatus Status, int DesiredCapacity, int InService);

/// <summary>One instance's system reading, labelled with its environment.</summary>
public sealed record InstanceGauge(string EnvironmentName, InstanceSystemReading Reading);

/// <summary>
/// The platform side of <c>/metrics</c> (after <see cref="PrometheusWriter"/>'s router series), text format 0.0.4. Stable names:
/// <list type="bullet">
/// <item><c>sprout_instance_cpu_percent{environment,instance,mode}</c> gauge: mode user or system, percent of the host's CPU since the previous reading.</item>
/// <item><c>sprout_instance_memory_rss_bytes{environment,instance}</c> gauge: resident memory of the instance's processes.</item>
/// <item><c>sprout_instance_processes{environment,instance}</c> gauge: live processes in the instance's process group.</item>
/// <item><c>sprout_host_load_average{period}</c> gauge: period 1m, 5m or 15m.</item>
/// <item><c>sprout_environment_health_status{environment,status}</c> gauge: 1 for the current enhanced status, 0 for every other.</item>
/// <item><c>sprout_environment_desired_capacity{environment}</c> and <c>sprout_environment_instances_in_service{environment}</c> gauges.</item>
/// </list>
/// </summary>
public static class HealthPrometheusWriter
{
    private const string CpuName = "sprout_instance_cpu_percent";
    private const string MemoryName = "sprout_instance_memory_rss_bytes";
    private const string ProcessesName = "sprout_instance_processes";
    private const string LoadName = "sprout_host_load_average";
    private const string HealthName = "sprout_environment_health_status";
    private const string DesiredName = "sprout_environment_desired_capacity";
    private const string InServiceName = "sprout_environment_instances_in_service";

    public static void Write(TextWriter writer, IReadOnlyList<EnvironmentGauge> environments, IReadOnlyList<InstanceGauge> instances, LoadAverage? load)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(environments);
        ArgumentNullException.ThrowIfNull(instances);
        var ordered = instances.OrderBy(i => i.EnvironmentName, StringComparer.Ordinal).ThenBy(i => i.Reading.InstanceId, StringComparer.Ordinal).ToList();

        Header(writer, CpuName, "Share of the host's CPU the instance's processes used since the previous reading, by mode.");
        foreach (var instance in ordered.Where(i => i.Reading.Cpu is not null))
        {
            var labels = Labels(instance);
            writer.Write($"{CpuName}{{{labels},mode=\"user\"}} {Number(instance.Reading.Cpu!.UserPercent)}\n");
            writer.Write($"{CpuName}{{{labels},mode=\"system\"}} {Number(instance.Reading.Cpu!.SystemPercent)}\n");
        }

        Header(writer, MemoryName, "Resident memory of the instance's processes.");
        foreach (var instance in ordered)
        {
            writer.Write($"{MemoryName}{{{Labels(instance)}}} {instance.Reading.ResidentBytes.ToString(CultureInfo.InvariantCulture)}\n");
        }

        Header(writer, ProcessesName, "Live processes in the instance's process group.");
        foreach (var instance in ordered)
        {
            writer.Write($"{ProcessesName}{{{Labels(instance)}}} {instance.Reading.ProcessCount.ToString(CultureInfo.InvariantCulture)}\n");
        }

        Header(writer, LoadName, "The host's load average.");
        if (load is not null)
        {
            writer.Write($"{LoadName}{{period=\"1m\"}} {Number(load.OneMinute)}\n");
            writer.Write($"{LoadName}{{period=\"5m\"}} {Number(load.FiveMinutes)}\n");
            writer.Write($"{LoadName}{{period=\"15m\"}} {Number(load.FifteenMinutes)}\n");
        }

        var byName = environments.OrderBy(e => e.EnvironmentName, StringComparer.Ordinal).ToList();
        Header(writer, HealthName, "1 for the environment's current enhanced health status, 0 for the others.");
        foreach (var environment in byName)
        {
            var name = PrometheusWriter.EscapeLabelValue(environment.EnvironmentName);
            foreach (var status in Enum.GetValues<HealthStatus>())
            {
                writer.Write($"{HealthName}{{environment=\"{name}\",status=\"{status}\"}} {(status == environment.Status ? 1 : 0)}\n");
            }
        }

        Header(writer, DesiredName, "Instances the environment should run now.");
        foreach (var environment in byName)
        {
            writer.Write($"{DesiredName}{{environment=\"{PrometheusWriter.EscapeLabelValue(environment.EnvironmentName)}\"}} {environment.DesiredCapacity.ToString(CultureInfo.InvariantCulture)}\n");
        }

        Header(writer, InServiceName, "Instances in service (in the router).");
        foreach (var environment in byName)
        {
            writer.Write($"{InServiceName}{{environment=\"{PrometheusWriter.EscapeLabelValue(environment.EnvironmentName)}\"}} {environment.InService.ToString(CultureInfo.InvariantCulture)}\n");
        }
    }

    private static void Header(TextWriter writer, string name, string help) =>
        writer.Write($"# HELP {name} {help}\n# TYPE {name} gauge\n");

    private static string Labels(InstanceGauge instance) =>
        $"environment=\"{PrometheusWriter.EscapeLabelValue(instance.EnvironmentName)}\",instance=\"{PrometheusWriter.EscapeLabelValue(instance.Reading.InstanceId)}\"";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
