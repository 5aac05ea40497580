namespace Sprout.Core.Scaling;

/// <summary>One observation of an environment-wide metric (CPU averaged over instances, requests in the sample interval, ...).</summary>
public readonly record struct MetricSample(DateTimeOffset Timestamp, double Value);
