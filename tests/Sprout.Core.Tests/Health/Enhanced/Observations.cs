using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;

namespace Sprout.Core.Tests.Health.Enhanced;

/// <summary>Builders for observations at a fixed clock.</summary>
internal static class Observations
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    public static InstanceObservation InService(string id = "i-1") =>
        new(id, InstanceState.InService, Now.AddHours(-1), LastReportedAt: Now);

    /// <summary>Requests with the given counts; the rest are 2xx.</summary>
    public static RequestMetrics Requests(long total, long status5xx = 0, long status4xx = 0, RequestLatency? latency = null) =>
        new(Window, total, total - status5xx - status4xx, 0, status4xx, status5xx, latency);

    public static CpuUtilization CpuInUse(double inUse, double ioWait = 0) =>
        new(inUse - ioWait, 0, 0, 100 - inUse, ioWait, 0, 0);

    public static RequestLatency LatencyWithP99(double p99) => new(0.01, 0.02, 0.03, 0.04, 0.05, 0.06, p99, p99);

    public static EnvironmentObservation Ready(params InstanceObservation[] instances) =>
        new("env-1", EnvironmentStatus.Ready, instances.Length, 1, instances);

    public static InstanceHealthAssessment Judge(InstanceObservation instance, EnhancedHealthOptions? options = null, string? expectedVersion = null) =>
        EnhancedInstanceRules.Evaluate(instance, options ?? EnhancedHealthOptions.Default, Now, expectedVersion);

    public static EnvironmentHealthAssessment Judge(EnvironmentObservation environment, EnhancedHealthOptions? options = null) =>
        EnhancedHealthEvaluator.Evaluate(environment, options ?? EnhancedHealthOptions.Default, Now);
}
