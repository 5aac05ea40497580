using System.Globalization;
using System.Text;
using Sprout.Server.Routing.Targets;

namespace Sprout.Server.Metrics;

/// <summary>
/// Writes <see cref="RouterMetrics"/> in the Prometheus text exposition format 0.0.4. One series per
/// (environment, instance); <c>instance=""</c> counts requests that found no instance. Environment totals are
/// sums over instances, so no environment-level series is written (it would double count in PromQL). Names are stable:
/// <list type="bullet">
/// <item><c>sprout_router_requests_total{environment,instance,code_class}</c> counter; code_class 1xx..5xx (always written) or other.</item>
/// <item><c>sprout_router_request_failures_total{environment,instance,cause}</c> counter; cause is the snake_case ForwarderError, written once non-zero.</item>
/// <item><c>sprout_router_request_duration_seconds{environment,instance}</c> histogram with the <see cref="LatencyBuckets"/> bounds.</item>
/// <item><c>sprout_router_request_bytes_total</c> and <c>sprout_router_response_bytes_total{environment,instance}</c> counters: body bytes each way.</item>
/// <item><c>sprout_router_target_group_requests_total{environment,target_group,code_class}</c> counter: the split between groups (canaries, traffic splitting).</item>
/// <item><c>sprout_router_requests_in_flight{instance}</c> and <c>sprout_router_target_ejected{instance}</c> gauges, when the target states are given.</item>
/// </list>
/// </summary>
public static class PrometheusWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const string RequestsName = "sprout_router_requests_total";
    private const string FailuresName = "sprout_router_request_failures_total";
    private const string DurationName = "sprout_router_request_duration_seconds";
    private const string RequestBytesName = "sprout_router_request_bytes_total";
    private const string ResponseBytesName = "sprout_router_response_bytes_total";
    private const string GroupRequestsName = "sprout_router_target_group_requests_total";
    private const string InFlightName = "sprout_router_requests_in_flight";
    private const string EjectedName = "sprout_router_target_ejected";

    private static readonly string[] BoundLabels = LatencyBuckets.UpperBounds.Select(FormatNumber).ToArray();

    public static string ToText(RouterMetrics metrics, TargetStates? targets = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(metrics, writer, targets);
        return writer.ToString();
    }

    public static void Write(RouterMetrics metrics, TextWriter writer, TargetStates? targets = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(writer);
        var series = metrics.InstanceSeries();

        writer.Write("# HELP " + RequestsName + " Requests the router routed to an environment, by instance and status class.\n");
        writer.Write("# TYPE " + RequestsName + " counter\n");
        foreach (var (environment, instance, counts) in series)
        {
            var labels = Labels(environment, instance);
            for (var statusClass = 1; statusClass < StatusClasses.Count; statusClass++)
            {
                WriteSample(writer, RequestsName, labels, "code_class", StatusClasses.Label(statusClass), counts.StatusClassTotal(statusClass));
            }

            var other = counts.StatusClassTotal(StatusClasses.Other);
            if (other > 0)
            {
                WriteSample(writer, RequestsName, labels, "code_class", StatusClasses.Label(StatusClasses.Other), other);
            }
        }

        writer.Write("# HELP " + FailuresName + " Routed requests that failed, by cause.\n");
        writer.Write("# TYPE " + FailuresName + " counter\n");
        foreach (var (environment, instance, counts) in series)
        {
            var labels = Labels(environment, instance);
            for (var cause = 1; cause < FailureCauses.Count; cause++)
            {
                var failures = counts.FailureTotal(cause);
                if (failures > 0)
                {
                    WriteSample(writer, FailuresName, labels, "cause", FailureCauses.Label(cause), failures);
                }
            }
        }

        writer.Write("# HELP " + DurationName + " Time from routing a request to the end of its response.\n");
        writer.Write("# TYPE " + DurationName + " histogram\n");
        foreach (var (environment, instance, counts) in series)
        {
            var labels = Labels(environment, instance);
            long cumulative = 0;
            for (var bucket = 0; bucket < BoundLabels.Length; bucket++)
            {
                cumulative += counts.BucketTotal(bucket);
                WriteSample(writer, DurationName + "_bucket", labels, "le", BoundLabels[bucket], cumulative);
            }

            // The count is the +Inf bucket by definition, so it is read once with the buckets, never separately.
            cumulative += counts.BucketTotal(LatencyBuckets.Count - 1);
            WriteSample(writer, DurationName + "_bucket", labels, "le", "+Inf", cumulative);
            writer.Write(DurationName + "_sum{" + labels + "} " + FormatNumber(counts.ElapsedSecondsTotal) + "\n");
            writer.Write(DurationName + "_count{" + labels + "} " + cumulative.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        writer.Write("# HELP " + RequestBytesName + " Request body bytes the router sent to instances.\n");
        writer.Write("# TYPE " + RequestBytesName + " counter\n");
        foreach (var (environment, instance, counts) in series)
        {
            writer.Write(RequestBytesName + "{" + Labels(environment, instance) + "} " + counts.RequestBytesTotal.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        writer.Write("# HELP " + ResponseBytesName + " Response body bytes the router sent to clients.\n");
        writer.Write("# TYPE " + ResponseBytesName + " counter\n");
        foreach (var (environment, instance, counts) in series)
        {
            writer.Write(ResponseBytesName + "{" + Labels(environment, instance) + "} " + counts.ResponseBytesTotal.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        writer.Write("# HELP " + GroupRequestsName + " Requests by target group and status class.\n");
        writer.Write("# TYPE " + GroupRequestsName + " counter\n");
        foreach (var (environment, group, counts) in metrics.GroupSeries())
        {
            var labels = "environment=\"" + EscapeLabelValue(environment) + "\",target_group=\"" + EscapeLabelValue(group) + "\"";
            for (var statusClass = 1; statusClass < StatusClasses.Count; statusClass++)
            {
                WriteSample(writer, GroupRequestsName, labels, "code_class", StatusClasses.Label(statusClass), counts.StatusClassTotal(statusClass));
            }
        }

        if (targets is null)
        {
            return;
        }

        var states = targets.All();
        writer.Write("# HELP " + InFlightName + " Requests the router is forwarding to each instance right now.\n");
        writer.Write("# TYPE " + InFlightName + " gauge\n");
        foreach (var state in states)
        {
            writer.Write(InFlightName + "{instance=\"" + EscapeLabelValue(state.InstanceId) + "\"} " + state.InFlight.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        writer.Write("# HELP " + EjectedName + " 1 while passive health keeps the instance out of rotation.\n");
        writer.Write("# TYPE " + EjectedName + " gauge\n");
        foreach (var state in states)
        {
            writer.Write(EjectedName + "{instance=\"" + EscapeLabelValue(state.InstanceId) + "\"} " + (state.IsEjected ? "1" : "0") + "\n");
        }
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed, as the format requires.</summary>
    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("\\\"\n") < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static string Labels(string environment, string instance)
        => "environment=\"" + EscapeLabelValue(environment) + "\",instance=\"" + EscapeLabelValue(instance) + "\"";

    private static void WriteSample(TextWriter writer, string name, string labels, string labelName, string labelValue, long value)
        => writer.Write(name + "{" + labels + "," + labelName + "=\"" + labelValue + "\"} " + value.ToString(CultureInfo.InvariantCulture) + "\n");

    private static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
