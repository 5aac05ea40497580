using System.Globalization;
using Sprout.Core.Model;
using Sprout.Server.Environments;
using Sprout.Server.Metrics;
using Sprout.Server.Metrics.SystemMetrics;
using Sprout.Server.Routing.Targets;

namespace Sprout.Server.Monitoring;

/// <summary><c>GET /metrics</c>: the router's series, then per-instance system gauges and per-environment health.</summary>
internal static class MetricsEndpoint
{
    public static string Text(RouterMetrics router, TargetStates targets, EnvironmentManager manager, InstanceSystemMetrics system)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        PrometheusWriter.Write(router, writer, targets);
        var controllers = manager.Controllers;
        var environments = controllers
            .Where(c => c.LatestAssessment is not null)
            .Select(c => new EnvironmentGauge(c.Name, c.LatestAssessment!.Status, c.DesiredCapacity, c.Instances.Count(i => i.State == InstanceState.InService)))
            .ToList();
        var instances = controllers
            .SelectMany(c => c.Instances.Select(i => (c.Name, Reading: system.Of(i.Id))))
            .Where(x => x.Reading is not null)
            .Select(x => new InstanceGauge(x.Name, x.Reading!))
            .ToList();
        HealthPrometheusWriter.Write(writer, environments, instances, system.Host?.LoadAverage);
        return writer.ToString();
    }
}
