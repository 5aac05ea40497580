using Sprout.Server.Routing;

namespace Sprout.Server.Metrics;

/// <summary>
/// Everything counted for one environment or one instance: cumulative counters since the series was created
/// (for Prometheus) and a ring of one-second slots (for sliding windows). Recording allocates nothing.
/// </summary>
internal sealed class RequestSeries
{
    /// <summary>Seconds of history kept; the longest window a snapshot can cover.</summary>
    public const int SlotCount = 60;

    private readonly long[] _statusClasses = new long[StatusClasses.Count];
    private readonly long[] _failures = new long[FailureCauses.Count];
    private readonly long[] _buckets = new long[LatencyBuckets.Count];
    private readonly SecondSlot[] _slots = CreateSlots();
    private long _elapsedTicks;
    private long _requestBytes;
    private long _responseBytes;

    public void Record(long second, int statusCode, long elapsedTicks, ForwarderError error, long requestBytes = 0, long responseBytes = 0)
    {
        if (requestBytes > 0)
        {
            Interlocked.Add(ref _requestBytes, requestBytes);
        }

        if (responseBytes > 0)
        {
            Interlocked.Add(ref _responseBytes, responseBytes);
        }

        var statusClass = StatusClasses.IndexOf(statusCode);
        var bucket = LatencyBuckets.IndexOf(elapsedTicks);
        Interlocked.Increment(ref _statusClasses[statusClass]);
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _elapsedTicks, elapsedTicks);
        var cause = FailureCauses.IndexOf(error);
        if (cause >= 0)
        {
            Interlocked.Increment(ref _failures[cause]);
        }

        _slots[(int)(((second % SlotCount) + SlotCount) % SlotCount)].Record(second, statusClass, bucket);
    }

    /// <summary>Adds the counts of seconds <paramref name="firstSecond"/>..<paramref name="lastSecond"/> (inclusive) to the totals.</summary>
    public void AddWindowTo(long firstSecond, long lastSecond, long[] statusClasses, long[] buckets)
    {
        for (var second = firstSecond; second <= lastSecond; second++)
        {
            _slots[(int)(((second % SlotCount) + SlotCount) % SlotCount)].AddTo(second, statusClasses, buckets);
        }
    }

    public long StatusClassTotal(int statusClass) => Volatile.Read(ref _statusClasses[statusClass]);

    public long FailureTotal(int cause) => Volatile.Read(ref _failures[cause]);

    public long BucketTotal(int bucket) => Volatile.Read(ref _buckets[bucket]);

    public long RequestBytesTotal => Volatile.Read(ref _requestBytes);

    public long ResponseBytesTotal => Volatile.Read(ref _responseBytes);

    public double ElapsedSecondsTotal => (double)Volatile.Read(ref _elapsedTicks) / TimeSpan.TicksPerSecond;

    private static SecondSlot[] CreateSlots()
    {
        var slots = new SecondSlot[SlotCount];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new SecondSlot();
        }

        return slots;
    }
}
