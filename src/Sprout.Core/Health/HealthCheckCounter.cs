namespace Sprout.Core.Health;

/// <summary>
/// Counts consecutive active health-check results against Beanstalk's thresholds: a target joins
/// after <c>HealthyThresholdCount</c> passes in a row and leaves after <c>UnhealthyThresholdCount</c>
/// failures in a row; one result of the other kind starts the count again.
/// </summary>
public sealed class HealthCheckCounter
{
    private readonly int _healthyThreshold;
    private readonly int _unhealthyThreshold;

    public HealthCheckCounter(int healthyThreshold, int unhealthyThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(healthyThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(unhealthyThreshold, 1);
        _healthyThreshold = healthyThreshold;
        _unhealthyThreshold = unhealthyThreshold;
    }

    public int Successes { get; private set; }

    public int Failures { get; private set; }

    /// <param name="passed">Whether this check passed.</param>
    /// <param name="inService">Whether the target serves now (the caller owns that state; crashes and restarts change it too).</param>
    public HealthCheckTransition Record(bool passed, bool inService)
    {
        if (passed)
        {
            Successes++;
            Failures = 0;
            return !inService && Successes >= _healthyThreshold ? HealthCheckTransition.BecameHealthy : HealthCheckTransition.None;
        }

        Failures++;
        Successes = 0;
        return inService && Failures >= _unhealthyThreshold ? HealthCheckTransition.BecameUnhealthy : HealthCheckTransition.None;
    }

    /// <summary>Starts counting afresh (a new process); <paramref name="provenHealthy"/> for one adopted while serving.</summary>
    public void Reset(bool provenHealthy = false)
    {
        Successes = provenHealthy ? _healthyThreshold : 0;
        Failures = 0;
    }
}

public enum HealthCheckTransition
{
    None,
    BecameHealthy,
    BecameUnhealthy,
}
