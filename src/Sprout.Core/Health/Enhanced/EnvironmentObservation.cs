using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Everything the enhanced rules know of one environment at one moment.</summary>
/// <param name="OperationStartedAt">When the current Launching/Updating/Aborting operation began; null when Ready.</param>
/// <param name="DesiredCapacity">Instances the environment should run now.</param>
/// <param name="MinSize">Auto Scaling group minimum (<c>aws:autoscaling:asg MinSize</c>).</param>
/// <param name="ExpectedVersionLabel">Version every instance should run (the last successful deployment's); null to skip the check.</param>
/// <param name="Requests">What instances answered, all together, over the window; null to total the instances' metrics.</param>
/// <param name="LoadBalancer">What the router answered itself; null when unknown.</param>
public sealed record EnvironmentObservation(
    string EnvironmentName,
    EnvironmentStatus Status,
    int DesiredCapacity,
    int MinSize,
    IReadOnlyList<InstanceObservation> Instances,
    DateTimeOffset? OperationStartedAt = null,
    string? ExpectedVersionLabel = null,
    RequestMetrics? Requests = null,
    LoadBalancerMetrics? LoadBalancer = null);
