namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// Share of CPU time over the last sample interval, in percent, split like Beanstalk's SystemStatus CPUUtilization
/// (Linux fields; <see cref="Privileged"/> is Windows-only and stays null).
/// </summary>
public sealed record CpuUtilization(
    double User,
    double Nice,
    double System,
    double Idle,
    double IOWait,
    double IRQ,
    double SoftIRQ,
    double? Privileged = null)
{
    /// <summary>Everything but idle, as Beanstalk's "95 % of CPU is in use" counts it.</summary>
    public double InUse => Math.Max(0, 100 - Idle);
}
