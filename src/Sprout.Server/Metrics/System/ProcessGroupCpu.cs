using Sprout.Core.Health.Enhanced;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// A process group's CPU use between two readings. Percentages are of the host's whole capacity (all cores), so they
/// add up with other groups' to at most 100 like Beanstalk's instance CPUUtilization; <see cref="CoresUsed"/> says
/// the same in cores (1.0 = one core busy), which is what tells a single-threaded app is saturated on a big host.
/// </summary>
public sealed record ProcessGroupCpu(double UserPercent, double SystemPercent, double CoresUsed)
{
    public double TotalPercent => UserPercent + SystemPercent;

    /// <summary>Beanstalk's split: the group's user and system time; the rest of the host's capacity counts as idle.</summary>
    public CpuUtilization ToCpuUtilization() =>
        new(UserPercent, 0, SystemPercent, Math.Max(0, 100 - UserPercent - SystemPercent), 0, 0, 0);
}
