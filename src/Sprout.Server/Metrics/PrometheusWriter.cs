using System.Globalization;
using System.Text;

namespace Sprout.Server.Metrics;

/// <summary>
/// Writes <see cref="RouterMetrics"/> in the Prometheus text exposition format 0.0.4. One series per
/// (environment, instance); <c>instance=""</c> counts requests that found no instance. Environment totals are
/// sums over instances, so no environment-level series is written (it would double count in PromQL). Names are stable:
/// <list type="bullet">
/// <item><c>sprout_router_requests_total{environment,instance,code_class}</c> counter; code_class 1xx..5xx (always written) or other.</item>
/// <item><c>sprout_router_request_failures_total{environment,instance,cause}</c> counter; cause is the snake_case ForwarderError, written once non-zero.</item>
/// <item><c>sprout_router_request_duration_seconds{environment,instance}</c> histogram with the <see cref="LatencyBuckets"/> bounds.</item>
/// </list>
/// </summary>
public static class PrometheusWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const string RequestsName = "sprout_router_requests_total";
    private const string FailuresName = "sprout_router_request_failures_total";
    private const string DurationName = "sprout_router_request_duration_seconds";

    private static readonly string[] BoundLabels = LatencyBuckets.UpperBounds.Select(FormatNumber).ToArray();

    public static string ToText(RouterMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(metrics, writer);
        return writer.ToString();
    }

    public static void Write(RouterMetrics metrics, TextWriter writer)
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
