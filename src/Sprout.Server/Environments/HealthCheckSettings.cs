namespace Sprout.Server.Environments;

/// <summary>The health-check settings an instance is probed with, resolved from the environment's options.</summary>
internal sealed record HealthCheckSettings(string Path, TimeSpan Interval, TimeSpan Timeout, int HealthyThreshold, int UnhealthyThreshold, Func<int, bool> Matches);
