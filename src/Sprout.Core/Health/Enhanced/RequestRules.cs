namespace Sprout.Core.Health.Enhanced;

/// <summary>The request rules shared by instances and the environment: 5xx, 4xx and P99 latency over the window.</summary>
internal static class RequestRules
{
    public static void Evaluate(RequestMetrics? requests, EnhancedHealthOptions options, List<HealthFinding> findings)
    {
        if (requests is null || requests.RequestCount < options.MinimumRequestCount)
        {
            return;
        }

        var window = HealthText.Seconds(requests.Duration);
        if (options.ApplicationRequests5xx.Grade(requests.Percent5xx) is { } status5xx)
        {
            findings.Add(new HealthFinding(HealthRuleNames.ApplicationRequests5xx, status5xx,
                $"{HealthText.Percent(requests.Percent5xx)} % of the requests are failing with HTTP 5xx ({requests.Status5xx} of {requests.RequestCount} in the last {window} seconds)."));
        }

        if (options.ApplicationRequests4xx.Grade(requests.Percent4xx) is { } status4xx)
        {
            findings.Add(new HealthFinding(HealthRuleNames.ApplicationRequests4xx, status4xx,
                $"{HealthText.Percent(requests.Percent4xx)} % of the requests are erroring with HTTP 4xx ({requests.Status4xx} of {requests.RequestCount} in the last {window} seconds)."));
        }

        if (requests.Latency is { } latency && options.ApplicationLatencyP99.Grade(latency.P99) is { } latencyStatus)
        {
            findings.Add(new HealthFinding(HealthRuleNames.ApplicationLatencyP99, latencyStatus,
                $"P99 latency is {HealthText.Latency(latency.P99)} seconds over the last {window} seconds (threshold {HealthText.Number(options.ApplicationLatencyP99.Warning)} s)."));
        }
    }
}
