using Sprout.Server.Routing;

namespace Sprout.Server.Metrics;

/// <summary>
/// One core's share of a <see cref="RequestSeries"/>: cumulative counters and a ring of one-second slots.
/// Writers on different cores use different stripes, so their increments never fight over a cache line.
/// </summary>
internal sealed class SeriesStripe
{
    /// <summary>Longs appended to each array so the next stripe's arrays never share its last cache line.</summary>
    private const int Padding = 8;

    private readonly long[] _statusClasses = new long[StatusClasses.Count + Padding];
    private readonly long[] _failures = new long[FailureCauses.Count + Padding];
    private readonly long[] _buckets = new long[LatencyBuckets.Count + Padding];
    private readonly long[] _sums = new long[3 + Padding];
    private readonly SecondSlot[] _slots = CreateSlots();

    private const int ElapsedTicks = 0;
    private const int RequestBytes = 1;
    private const int ResponseBytes = 2;

    public void Record(long second, int statusClass, int bucket, long elapsedTicks, int cause, long requestBytes, long responseBytes)
    {
        Interlocked.Increment(ref _statusClasses[statusClass]);
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _sums[ElapsedTicks], elapsedTicks);
        if (requestBytes > 0)
        {
            Interlocked.Add(ref _sums[RequestBytes], requestBytes);
        }

        if (responseBytes > 0)
        {
            Interlocked.Add(ref _sums[ResponseBytes], responseBytes);
        }

        if (cause >= 0)
        {
            Interlocked.Increment(ref _failures[cause]);
        }

        _slots[RequestSeries.SlotOf(second)].Record(second, statusClass, bucket);
    }

    public void AddWindowTo(long firstSecond, long lastSecond, long[] statusClasses, long[] buckets)
    {
        for (var second = firstSecond; second <= lastSecond; second++)
        {
            _slots[RequestSeries.SlotOf(second)].AddTo(second, statusClasses, buckets);
        }
    }

    public long StatusClassTotal(int statusClass) => Volatile.Read(ref _statusClasses[statusClass]);

    public long FailureTotal(int cause) => Volatile.Read(ref _failures[cause]);

    public long BucketTotal(int bucket) => Volatile.Read(ref _buckets[bucket]);

    public long ElapsedTicksTotal => Volatile.Read(ref _sums[ElapsedTicks]);

    public long RequestBytesTotal => Volatile.Read(ref _sums[RequestBytes]);

    public long ResponseBytesTotal => Volatile.Read(ref _sums[ResponseBytes]);

    private static SecondSlot[] CreateSlots()
    {
        var slots = new SecondSlot[RequestSeries.SlotCount];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new SecondSlot();
        }

        return slots;
    }
}
