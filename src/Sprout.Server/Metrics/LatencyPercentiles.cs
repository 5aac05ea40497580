namespace Sprout.Server.Metrics;

/// <summary>
/// Latency percentiles in seconds, as Beanstalk's ApplicationMetrics reports them. Estimated from the
/// <see cref="LatencyBuckets"/> histogram by linear interpolation within a bucket, so each value is
/// within one bucket (a factor of about 1.41) of the true one; latencies over 60 s report 60.
/// </summary>
public sealed record LatencyPercentiles(
    double P10,
    double P50,
    double P75,
    double P85,
    double P90,
    double P95,
    double P99,
    double P999)
{
    internal static LatencyPercentiles? FromBuckets(long[] buckets, long total)
    {
        if (total == 0)
        {
            return null;
        }

        return new LatencyPercentiles(
            Estimate(buckets, total, 0.10),
            Estimate(buckets, total, 0.50),
            Estimate(buckets, total, 0.75),
            Estimate(buckets, total, 0.85),
            Estimate(buckets, total, 0.90),
            Estimate(buckets, total, 0.95),
            Estimate(buckets, total, 0.99),
            Estimate(buckets, total, 0.999));
    }

    private static double Estimate(long[] buckets, long total, double quantile)
    {
        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            var count = buckets[i];
            if (count == 0)
            {
                continue;
            }

            if (below + count >= rank)
            {
                if (i == buckets.Length - 1)
                {
                    return LatencyBuckets.UpperBound(i);
                }

                var lower = LatencyBuckets.LowerBound(i);
                var upper = LatencyBuckets.UpperBound(i);
                return lower + ((upper - lower) * ((rank - below) / count));
            }

            below += count;
        }

        return LatencyBuckets.UpperBound(buckets.Length - 1);
    }
}
