using Sprout.Core.Scaling;

namespace Sprout.Core.Tests.Scaling;

/// <summary>Metric series at a fixed clock.</summary>
internal static class Series
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One sample every <paramref name="every"/> seconds, newest at <see cref="Now"/>, covering <paramref name="seconds"/> seconds.</summary>
    public static IReadOnlyList<MetricSample> Constant(double value, int seconds, int every = 10) =>
        [.. Enumerable.Range(0, seconds / every).Select(i => new MetricSample(Now.AddSeconds(-i * every), value))];

    public static IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> Metric(string name, IReadOnlyList<MetricSample> samples) =>
        new Dictionary<string, IReadOnlyList<MetricSample>> { [name] = samples };

    public static ScalingTriggerOptions CpuTrigger(int periodSeconds = 60, int evaluationPeriods = 1) => new(
        "CPUUtilization", ScalingStatistic.Average, "Percent", TimeSpan.FromSeconds(periodSeconds), evaluationPeriods,
        TimeSpan.FromSeconds(periodSeconds * evaluationPeriods), 80, 1, 20, -1);
}
