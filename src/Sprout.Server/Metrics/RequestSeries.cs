using Sprout.Server.Routing;

namespace Sprout.Server.Metrics;

/// <summary>
/// Everything counted for one environment, target group or instance: cumulative counters since the series was
/// created (for Prometheus) and one-second slots (for sliding windows). Recording allocates nothing and is
/// striped by core (<see cref="SeriesStripe"/>): every request touches three series, and shared counters made
/// the cores queue for the same cache lines. Reads add the stripes up.
/// </summary>
internal sealed class RequestSeries
{
    /// <summary>Seconds of history kept; the longest window a snapshot can cover.</summary>
    public const int SlotCount = 60;

    /// <summary>More stripes than this buys little: collisions between many cores are already rare.</summary>
    private const int MaxStripes = 16;

    private static readonly int StripeMask = StripeCount() - 1;

    private readonly SeriesStripe[] _stripes = CreateStripes();

    public void Record(long second, int statusCode, long elapsedTicks, ForwarderError error, long requestBytes = 0, long responseBytes = 0)
    {
        var stripe = _stripes[Thread.GetCurrentProcessorId() & StripeMask];
        stripe.Record(second, StatusClasses.IndexOf(statusCode), LatencyBuckets.IndexOf(elapsedTicks), elapsedTicks, FailureCauses.IndexOf(error), requestBytes, responseBytes);
    }

    /// <summary>Adds the counts of seconds <paramref name="firstSecond"/>..<paramref name="lastSecond"/> (inclusive) to the totals.</summary>
    public void AddWindowTo(long firstSecond, long lastSecond, long[] statusClasses, long[] buckets)
    {
        foreach (var stripe in _stripes)
        {
            stripe.AddWindowTo(firstSecond, lastSecond, statusClasses, buckets);
        }
    }

    public long StatusClassTotal(int statusClass) => Sum(s => s.StatusClassTotal(statusClass));

    public long FailureTotal(int cause) => Sum(s => s.FailureTotal(cause));

    public long BucketTotal(int bucket) => Sum(s => s.BucketTotal(bucket));

    public long RequestBytesTotal => Sum(static s => s.RequestBytesTotal);

    public long ResponseBytesTotal => Sum(static s => s.ResponseBytesTotal);

    public double ElapsedSecondsTotal => (double)Sum(static s => s.ElapsedTicksTotal) / TimeSpan.TicksPerSecond;

    internal static int SlotOf(long second) => (int)(((second % SlotCount) + SlotCount) % SlotCount);

    private long Sum(Func<SeriesStripe, long> read)
    {
        long total = 0;
        foreach (var stripe in _stripes)
        {
            total += read(stripe);
        }

        return total;
    }

    private static int StripeCount()
    {
        var count = 1;
        while (count < Math.Min(Environment.ProcessorCount, MaxStripes))
        {
            count <<= 1;
        }

        return count;
    }

    private static SeriesStripe[] CreateStripes()
    {
        var stripes = new SeriesStripe[StripeMask + 1];
        for (var i = 0; i < stripes.Length; i++)
        {
            stripes[i] = new SeriesStripe();
        }

        return stripes;
    }
}
