using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// Judges an environment and its instances with the enhanced rules (docs/health-rules.md). Pure: the caller passes
/// what it observed and the time, and gets statuses and causes back.
/// </summary>
public static class EnhancedHealthEvaluator
{
    public static EnvironmentHealthAssessment Evaluate(EnvironmentObservation environment, EnhancedHealthOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);

        var instances = environment.Instances
            .Where(i => i.State != InstanceState.Terminated)
            .Select(i => EnhancedInstanceRules.Evaluate(i, options, now, OperationRunning(environment.Status) ? null : environment.ExpectedVersionLabel))
            .ToList();
        var requests = environment.Requests ?? TotalOf(instances);
        var findings = new List<HealthFinding>();

        if (environment.Status is EnvironmentStatus.Terminating or EnvironmentStatus.Terminated)
        {
            findings.Add(new HealthFinding(HealthRuleNames.EnvironmentSuspended, HealthStatus.Suspended,
                $"Environment is {environment.Status.ToString().ToLowerInvariant()}; health is no longer monitored."));
            return Judge(environment, findings, requests, instances, now);
        }

        CapacityRules(environment, instances, now, findings);
        InstanceRollUp(instances, options, findings);
        RequestRules.Evaluate(requests, options, findings);
        LoadBalancerRules(environment.LoadBalancer, options, findings);
        return Judge(environment, findings, requests, instances, now);
    }

    private static bool OperationRunning(EnvironmentStatus status) =>
        status is EnvironmentStatus.Launching or EnvironmentStatus.Updating or EnvironmentStatus.Aborting;

    private static void CapacityRules(EnvironmentObservation environment, List<InstanceHealthAssessment> instances, DateTimeOffset now, List<HealthFinding> findings)
    {
        var inService = instances.Count(i => i.Instance.State == InstanceState.InService);
        var wanted = environment.DesiredCapacity;
        if (OperationRunning(environment.Status))
        {
            var running = environment.OperationStartedAt is { } started ? $" (running for {HealthText.Seconds(now - started)} seconds)" : "";
            var what = environment.Status switch
            {
                EnvironmentStatus.Launching => "Launching the environment",
                EnvironmentStatus.Aborting => "Aborting the environment update",
                _ => "Updating the environment",
            };
            var busy = instances.Count(i => i.Instance.Activity != InstanceActivity.None || i.Instance.State == InstanceState.Pending);
            var progress = busy > 0 ? $" Command is executing on {busy} out of {instances.Count} instances." : "";
            findings.Add(new HealthFinding(HealthRuleNames.OperationInProgress, inService == 0 ? HealthStatus.Pending : HealthStatus.Info,
                $"{what}{running}: {inService} of {wanted} instances in service.{progress}"));
            return;
        }

        if (instances.Count == 0)
        {
            if (wanted > 0)
            {
                findings.Add(new HealthFinding(HealthRuleNames.NoInstances, HealthStatus.Severe, $"No instances are running; {wanted} {Instances(wanted)} wanted."));
            }

            return;
        }

        if (inService == 0)
        {
            findings.Add(new HealthFinding(HealthRuleNames.NoneInService, HealthStatus.Severe,
                $"None of the {instances.Count} {Instances(instances.Count)} are in service."));
        }
        else if (inService < environment.MinSize)
        {
            findings.Add(new HealthFinding(HealthRuleNames.BelowMinimumSize, HealthStatus.Degraded,
                $"{inService} active {Instances(inService)} is below Auto Scaling group minimum size {environment.MinSize}."));
        }
        else if (inService < wanted)
        {
            findings.Add(new HealthFinding(HealthRuleNames.BelowDesiredCapacity, HealthStatus.Warning,
                $"{inService} of {wanted} wanted instances are in service."));
        }
    }

    private static void InstanceRollUp(List<InstanceHealthAssessment> instances, EnhancedHealthOptions options, List<HealthFinding> findings)
    {
        // Instances still launching or deploying answer to the operation rule, not to this one.
        var settled = instances.Where(i => i.Status != HealthStatus.Pending).ToList();
        if (settled.Count == 0)
        {
            return;
        }

        var noData = settled.Count(i => i.Status == HealthStatus.NoData);
        if (noData == settled.Count)
        {
            findings.Add(new HealthFinding(HealthRuleNames.InstancesSendingNoData, HealthStatus.Severe, "None of the instances are sending data."));
            return;
        }

        var impaired = settled.Where(i => HealthStatuses.IsProblem(i.Status) || i.Status == HealthStatus.NoData).ToList();
        if (impaired.Count == 0)
        {
            return;
        }

        var bad = impaired.Count(i => i.Status is HealthStatus.Degraded or HealthStatus.Severe);
        // Never worse than the instances themselves: all Severe makes Severe, a large share of Degraded makes Degraded.
        var status = settled.All(i => i.Status == HealthStatus.Severe) ? HealthStatus.Severe
            : 100.0 * bad / settled.Count >= options.InstancesImpairedDegradedPercent ? HealthStatus.Degraded
            : HealthStatus.Warning;
        var details = impaired
            .OrderByDescending(i => HealthStatuses.Badness(i.Status))
            .Select(i => $"{i.InstanceId} ({i.Status}): {i.Findings[0].Cause}");
        findings.Add(new HealthFinding(HealthRuleNames.InstancesImpaired, status,
            $"Impaired services on {impaired.Count} out of {instances.Count} instances. {string.Join(" ", details)}"));
    }

    private static void LoadBalancerRules(LoadBalancerMetrics? router, EnhancedHealthOptions options, List<HealthFinding> findings)
    {
        if (router is null || router.RequestCount < options.MinimumRequestCount)
        {
            return;
        }

        var window = HealthText.Seconds(router.Duration);
        if (options.ELBRequests5xx.Grade(router.Percent5xx) is { } status5xx)
        {
            findings.Add(new HealthFinding(HealthRuleNames.ELBRequests5xx, status5xx,
                $"{HealthText.Percent(router.Percent5xx)} % of the requests to the router are failing with HTTP 5xx that no instance answered ({router.Generated5xx} of {router.RequestCount} in the last {window} seconds)."));
        }

        if (options.ELBRequests4xx.Grade(router.Percent4xx) is { } status4xx)
        {
            findings.Add(new HealthFinding(HealthRuleNames.ELBRequests4xx, status4xx,
                $"{HealthText.Percent(router.Percent4xx)} % of the requests to the router are erroring with HTTP 4xx that no instance answered ({router.Generated4xx} of {router.RequestCount} in the last {window} seconds)."));
        }
    }

    private static RequestMetrics? TotalOf(List<InstanceHealthAssessment> instances) =>
        instances.Select(i => i.Instance.Requests).OfType<RequestMetrics>().Aggregate((RequestMetrics?)null, (total, next) => total?.Plus(next) ?? next);

    private static EnvironmentHealthAssessment Judge(
        EnvironmentObservation environment, List<HealthFinding> findings, RequestMetrics? requests, List<InstanceHealthAssessment> instances, DateTimeOffset now)
    {
        var ordered = findings.OrderByDescending(f => HealthStatuses.Badness(f.Status)).ToList();
        return new EnvironmentHealthAssessment(environment, ordered.Count == 0 ? HealthStatus.Ok : ordered[0].Status, ordered, requests, instances, now);
    }

    private static string Instances(int count) => count == 1 ? "instance" : "instances";
}
