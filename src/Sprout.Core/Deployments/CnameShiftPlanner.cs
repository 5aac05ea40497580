namespace Sprout.Core.Deployments;

/// <summary>
/// Moves one hostname's traffic from one environment to another in weighted steps, like Route 53 weighted records:
/// each step publishes both environments' target groups with weights, then holds (and optionally compares them).
/// A failure before the last step shifts everything back to <c>from</c>.
/// </summary>
public static class CnameShiftPlanner
{
    public static DeploymentPlan Plan(string fromEnvironment, string toEnvironment, TrafficSchedule schedule, CanaryThresholds? analysis = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromEnvironment);
        ArgumentException.ThrowIfNullOrEmpty(toEnvironment);
        ArgumentNullException.ThrowIfNull(schedule);
        var b = new PlanBuilder();
        foreach (var increment in schedule.Increments)
        {
            b.Shift(Weights(fromEnvironment, toEnvironment, increment.Percent),
                increment.Percent == 100
                    ? $"Sending all traffic to environment {toEnvironment}."
                    : $"Sending {increment.Percent} % of traffic to environment {toEnvironment}, {100 - increment.Percent} % to {fromEnvironment}.");
            if (increment.Percent < 100 && increment.Hold > TimeSpan.Zero)
            {
                b.Evaluate(toEnvironment, fromEnvironment, increment.Hold, analysis,
                    $"Evaluating environment {toEnvironment} for {TrafficSchedule.FormatDuration(increment.Hold)} with {increment.Percent} % of traffic.");
            }
        }

        return new DeploymentPlan(DeploymentStrategy.CnameShift, [], b.Steps)
        {
            TargetVersionLabel = toEnvironment,
            PreviousVersionLabel = fromEnvironment,
            FromEnvironment = fromEnvironment,
            ToEnvironment = toEnvironment,
            BatchCount = schedule.Increments.Count,
            PointOfNoReturn = b.Steps.Count,
            Summary = $"Shifting traffic from environment {fromEnvironment} to {toEnvironment}: {schedule}.",
        };
    }

    public static IReadOnlyList<GroupWeight> Weights(string from, string to, int toPercent) =>
        [new GroupWeight(from, 100 - toPercent, from), new GroupWeight(to, toPercent, to)];
}
