using Sprout.Core.Options;

namespace Sprout.Core.Deployments;

/// <summary>
/// <c>aws:elasticbeanstalk:command</c>, <c>aws:elasticbeanstalk:trafficsplitting</c> and Sprout's
/// <c>sprout:deployment:canary</c>, with Beanstalk's defaults.
/// </summary>
public sealed record DeploymentPolicyOptions
{
    public static DeploymentPolicyOptions Defaults { get; } = new();

    public DeploymentPolicy Policy { get; init; } = DeploymentPolicy.AllAtOnce;

    public BatchSizeType BatchSizeType { get; init; } = BatchSizeType.Percentage;

    /// <summary>1–100 (percent) or an instance count (Fixed).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>How long a batch has to become healthy (<c>Timeout</c>, 600 s).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Carry on when a batch does not become healthy within <see cref="CommandTimeout"/>.</summary>
    public bool IgnoreHealthCheck { get; init; }

    /// <summary>TrafficSplitting: share of traffic the new version gets while it is evaluated (10).</summary>
    public int NewVersionPercent { get; init; } = 10;

    /// <summary>TrafficSplitting: how long it is evaluated (5 minutes).</summary>
    public TimeSpan EvaluationTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Sprout's canary or linear schedule; when set it replaces NewVersionPercent/EvaluationTime and turns on canary analysis.</summary>
    public TrafficSchedule? CanarySteps { get; init; }

    public CanaryThresholds CanaryThresholds { get; init; } = CanaryThresholds.Default;

    /// <summary>The schedule a TrafficSplitting deployment follows.</summary>
    public TrafficSchedule TrafficSchedule => CanarySteps ?? TrafficSchedule.Canary(NewVersionPercent, EvaluationTime);

    public static DeploymentPolicyOptions FromOptions(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DeploymentPolicyOptions
        {
            Policy = Enum.Parse<DeploymentPolicy>(options.DeploymentPolicy),
            BatchSizeType = Enum.Parse<BatchSizeType>(options.BatchSizeType),
            BatchSize = options.BatchSize,
            CommandTimeout = options.CommandTimeout,
            IgnoreHealthCheck = options.IgnoreHealthCheck,
            NewVersionPercent = options.NewVersionPercent,
            EvaluationTime = options.EvaluationTime,
            CanarySteps = TrafficSchedule.TryParse(options.CanarySteps, out var schedule, out _) ? schedule : null,
            CanaryThresholds = new CanaryThresholds(
                options.CanaryMaxErrorRateIncrease,
                options.CanaryMaxP99LatencyRatio,
                options.CanaryMinimumRequests,
                CanaryThresholds.Default.LatencyFloor),
        };
    }
}
