using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Judges one instance (rules in docs/health-rules.md, "Instance rules").</summary>
public static class EnhancedInstanceRules
{
    /// <param name="expectedVersionLabel">Version the instance should run; null skips <see cref="HealthRuleNames.IncorrectVersion"/>.</param>
    public static InstanceHealthAssessment Evaluate(InstanceObservation instance, EnhancedHealthOptions options, DateTimeOffset now, string? expectedVersionLabel = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<HealthFinding>();

        if (instance.State == InstanceState.Terminated)
        {
            findings.Add(new HealthFinding(HealthRuleNames.InstanceOutOfService, HealthStatus.Unknown, $"Instance {instance.InstanceId} has been terminated."));
            return Judge(instance, findings);
        }

        var activity = instance.Activity == InstanceActivity.None && instance.State == InstanceState.Pending
            ? InstanceActivity.Launching
            : instance.Activity;
        if (activity != InstanceActivity.None)
        {
            var running = now - (instance.ActivityStartedAt ?? instance.LaunchedAt);
            var what = activity == InstanceActivity.Launching ? "initialization" : "application deployment";

            // Beanstalk holds no failing check against an instance until its command times out.
            if (running <= options.OperationTimeout)
            {
                var lastCheck = instance.LastHealthCheckFailure is { } failure ? $" Last health check: {failure}." : "";
                findings.Add(new HealthFinding(
                    activity == InstanceActivity.Launching ? HealthRuleNames.InstanceLaunching : HealthRuleNames.InstanceDeploying,
                    HealthStatus.Pending,
                    $"Performing {what} (running for {HealthText.Seconds(running)} seconds).{lastCheck}"));
                return Judge(instance, findings);
            }

            findings.Add(new HealthFinding(HealthRuleNames.InstanceOperationTimedOut, HealthStatus.Degraded,
                $"{Capitalised(what)} has been running for {HealthText.Seconds(running)} seconds, longer than the {HealthText.Seconds(options.OperationTimeout)}-second command timeout." +
                (instance.LastHealthCheckFailure is { } last ? $" Last health check: {last}." : "")));
        }

        switch (instance.State)
        {
            case InstanceState.Unhealthy:
                findings.Add(new HealthFinding(HealthRuleNames.InstanceOutOfService, HealthStatus.Severe,
                    $"Instance {instance.InstanceId} failed its health check {instance.ConsecutiveHealthCheckFailures} times and is out of service: {instance.LastHealthCheckFailure ?? "no cause recorded"}."));
                break;
            case InstanceState.Draining:
                findings.Add(new HealthFinding(HealthRuleNames.InstanceDraining, HealthStatus.Info,
                    $"Instance {instance.InstanceId} is draining: finishing in-flight requests before it stops."));
                break;
            case InstanceState.InService when options.HealthCheckFailures.Grade(instance.ConsecutiveHealthCheckFailures) is { } status:
                findings.Add(new HealthFinding(HealthRuleNames.HealthCheckFailures, status,
                    $"Instance {instance.InstanceId} {FailedChecks(instance.ConsecutiveHealthCheckFailures)}: {instance.LastHealthCheckFailure ?? "no cause recorded"}."));
                break;
        }

        if (instance.LastReportedAt is { } reportedAt && now - reportedAt > options.NoDataAfter)
        {
            findings.Add(new HealthFinding(HealthRuleNames.InstanceNoData, HealthStatus.NoData,
                $"No data received from instance {instance.InstanceId} for {HealthText.Seconds(now - reportedAt)} seconds."));
        }

        if (expectedVersionLabel is not null && instance.VersionLabel is { } version && version != expectedVersionLabel)
        {
            findings.Add(new HealthFinding(HealthRuleNames.IncorrectVersion, HealthStatus.Degraded,
                $"Incorrect application version \"{version}\". Expected version \"{expectedVersionLabel}\"."));
        }

        RequestRules.Evaluate(instance.Requests, options, findings);

        if (instance.Cpu is { } cpu && options.CPUUtilization.Grade(cpu.InUse) is { } cpuStatus)
        {
            var ioWait = cpu.IOWait >= 1 ? $" {HealthText.Percent(cpu.IOWait)} % in I/O wait." : "";
            findings.Add(new HealthFinding(HealthRuleNames.CPUUtilization, cpuStatus, $"{HealthText.Percent(cpu.InUse)} % of CPU is in use.{ioWait}"));
        }

        return Judge(instance, findings);
    }

    private static InstanceHealthAssessment Judge(InstanceObservation instance, List<HealthFinding> findings)
    {
        var ordered = findings.OrderByDescending(f => HealthStatuses.Badness(f.Status)).ToList();
        return new InstanceHealthAssessment(instance, ordered.Count == 0 ? HealthStatus.Ok : ordered[0].Status, ordered);
    }

    private static string FailedChecks(int count) =>
        count == 1 ? "failed its last health check" : $"failed its health check {count} times in a row";

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
