namespace Sprout.Server.Metrics;

/// <summary>
/// The fixed latency histogram layout: 40 log-spaced upper bounds from 0.1 ms to 60 s (each about 1.41 times
/// the one before, rounded to three significant digits so Prometheus <c>le</c> labels stay readable), plus an
/// overflow bucket for anything slower. Fixed buckets make recording an index lookup and make windows additive.
/// </summary>
public static class LatencyBuckets
{
    private const int BoundCount = 40;
    private const double SmallestSeconds = 0.0001;
    private const double LargestSeconds = 60;

    private static readonly double[] UpperBoundSeconds = CreateBounds();
    private static readonly long[] UpperBoundTicks = Array.ConvertAll(UpperBoundSeconds, s => (long)Math.Round(s * TimeSpan.TicksPerSecond));

    /// <summary>Buckets including the overflow bucket (the last, unbounded one).</summary>
    public static int Count => BoundCount + 1;

    /// <summary>The finite upper bounds in seconds, ascending; bucket <c>i</c> holds latencies in (bound[i-1], bound[i]].</summary>
    public static IReadOnlyList<double> UpperBounds => UpperBoundSeconds;

    /// <summary>The bucket a latency falls in; <see cref="Count"/> - 1 when slower than the largest bound.</summary>
    public static int IndexOf(long elapsedTicks)
    {
        var index = Array.BinarySearch(UpperBoundTicks, elapsedTicks);
        return index >= 0 ? index : ~index;
    }

    /// <summary>The lower edge of bucket <paramref name="index"/> in seconds (0 for the first).</summary>
    internal static double LowerBound(int index) => index == 0 ? 0 : UpperBoundSeconds[index - 1];

    /// <summary>The upper edge of bucket <paramref name="index"/> in seconds; the overflow bucket reports the largest finite bound.</summary>
    internal static double UpperBound(int index) => UpperBoundSeconds[Math.Min(index, BoundCount - 1)];

    private static double[] CreateBounds()
    {
        var factor = Math.Pow(LargestSeconds / SmallestSeconds, 1.0 / (BoundCount - 1));
        var bounds = new double[BoundCount];
        for (var i = 0; i < BoundCount; i++)
        {
            var exact = SmallestSeconds * Math.Pow(factor, i);
            var digits = 2 - (int)Math.Floor(Math.Log10(exact));
            bounds[i] = Math.Round(exact, Math.Max(digits, 0));
        }

        return bounds;
    }
}
