using Sprout.Core.Model;

namespace Sprout.Core.Health;

/// <summary>
/// Basic health roll-up from instance states (the enhanced rules on request metrics come with
/// the metrics work). The rules, by name:
/// <list type="bullet">
/// <item>AllInService: every wanted instance is in service → Green / Ok.</item>
/// <item>OperationPending: an operation runs and nothing serves yet → Grey / Pending.</item>
/// <item>OperationPartial: an operation runs and some serve → Green / Info.</item>
/// <item>NoneInService: nothing serves outside an operation → Red / Severe.</item>
/// <item>SomeInService: fewer serve than wanted → Yellow / Warning (Red / Degraded below half).</item>
/// </list>
/// </summary>
public static class EnvironmentHealthRules
{
    public static EnvironmentHealth Evaluate(EnvironmentStatus status, int desiredCapacity, IReadOnlyCollection<InstanceHealthView> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (status is EnvironmentStatus.Terminated or EnvironmentStatus.Terminating)
        {
            return new EnvironmentHealth(HealthColor.Grey, "Suspended", []);
        }

        var live = instances.Where(i => i.State != InstanceState.Terminated).ToList();
        var inService = live.Count(i => i.State == InstanceState.InService);
        var causes = InstanceCauses(live);
        var operationRunning = status is EnvironmentStatus.Launching or EnvironmentStatus.Updating or EnvironmentStatus.Aborting;

        if (inService >= desiredCapacity && inService == live.Count && desiredCapacity > 0)
        {
            return operationRunning
                ? new EnvironmentHealth(HealthColor.Green, "Info", ["Operation in progress."])
                : new EnvironmentHealth(HealthColor.Green, "Ok", []);
        }

        if (operationRunning)
        {
            var progress = $"{inService} of {desiredCapacity} instances in service; operation in progress.";
            return inService == 0
                ? new EnvironmentHealth(HealthColor.Grey, "Pending", [progress, .. causes])
                : new EnvironmentHealth(HealthColor.Green, "Info", [progress, .. causes]);
        }

        if (inService == 0)
        {
            return new EnvironmentHealth(HealthColor.Red, "Severe", [$"None of the {Math.Max(live.Count, desiredCapacity)} instances are in service.", .. causes]);
        }

        var summary = $"{inService} of {desiredCapacity} instances are in service.";
        return inService * 2 < desiredCapacity
            ? new EnvironmentHealth(HealthColor.Red, "Degraded", [summary, .. causes])
            : new EnvironmentHealth(HealthColor.Yellow, "Warning", [summary, .. causes]);
    }

    private static List<string> InstanceCauses(IEnumerable<InstanceHealthView> live) =>
        live.Where(i => i.State != InstanceState.InService && i.Cause is not null)
            .Select(i => $"Instance {i.InstanceId}: {i.Cause}")
            .ToList();
}
