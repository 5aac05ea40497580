using System.Text.Json.Serialization;

namespace Sprout.Core.Api;

/// <summary>
/// Beanstalk's ApplicationMetrics. <see cref="RequestCount"/> is the average number of requests per second over
/// <see cref="Duration"/> seconds; <see cref="StatusCodes"/> are percentages for an environment and counts for an
/// instance; <see cref="Latency"/> is in seconds and absent when there were no requests.
/// </summary>
public sealed record ApplicationMetricsDto(
    [property: JsonPropertyName("Duration")] int Duration,
    [property: JsonPropertyName("RequestCount")] int RequestCount,
    [property: JsonPropertyName("StatusCodes")] StatusCodesDto StatusCodes,
    [property: JsonPropertyName("Latency")] LatencyDto? Latency);

/// <summary>Beanstalk's StatusCodes.</summary>
public sealed record StatusCodesDto(
    [property: JsonPropertyName("Status2xx")] int Status2xx,
    [property: JsonPropertyName("Status3xx")] int Status3xx,
    [property: JsonPropertyName("Status4xx")] int Status4xx,
    [property: JsonPropertyName("Status5xx")] int Status5xx);

/// <summary>Beanstalk's Latency: seconds, millisecond resolution.</summary>
public sealed record LatencyDto(
    [property: JsonPropertyName("P999")] double P999,
    [property: JsonPropertyName("P99")] double P99,
    [property: JsonPropertyName("P95")] double P95,
    [property: JsonPropertyName("P90")] double P90,
    [property: JsonPropertyName("P85")] double P85,
    [property: JsonPropertyName("P75")] double P75,
    [property: JsonPropertyName("P50")] double P50,
    [property: JsonPropertyName("P10")] double P10);
