namespace Sprout.Server.Metrics;

/// <summary>
/// The counts of one wall-clock second in a <see cref="RequestSeries"/> ring. A slot is reused every
/// ring-length seconds: the first writer of a new second clears it under a lock (once per second, off the
/// common path), then publishes the new second, so later writers of that second only do Interlocked increments.
/// A reader racing the clear can see a partly cleared slot; metrics tolerate that.
/// </summary>
internal sealed class SecondSlot
{
    private readonly long[] _statusClasses = new long[StatusClasses.Count];
    private readonly long[] _buckets = new long[LatencyBuckets.Count];
    private readonly Lock _rollover = new();
    private long _second = long.MinValue;

    public void Record(long second, int statusClass, int bucket)
    {
        if (Volatile.Read(ref _second) != second && !TryClaim(second))
        {
            return;
        }

        Interlocked.Increment(ref _statusClasses[statusClass]);
        Interlocked.Increment(ref _buckets[bucket]);
    }

    /// <summary>Adds this slot's counts to the totals when it still holds <paramref name="second"/>.</summary>
    public void AddTo(long second, long[] statusClasses, long[] buckets)
    {
        if (Volatile.Read(ref _second) != second)
        {
            return;
        }

        for (var i = 0; i < _statusClasses.Length; i++)
        {
            statusClasses[i] += Volatile.Read(ref _statusClasses[i]);
        }

        for (var i = 0; i < _buckets.Length; i++)
        {
            buckets[i] += Volatile.Read(ref _buckets[i]);
        }
    }

    private bool TryClaim(long second)
    {
        lock (_rollover)
        {
            var current = _second;
            if (current == second)
            {
                return true;
            }

            if (current > second)
            {
                // A writer that read the clock long ago: its second has already left the ring.
                return false;
            }

            Array.Clear(_statusClasses);
            Array.Clear(_buckets);
            Volatile.Write(ref _second, second);
            return true;
        }
    }
}
