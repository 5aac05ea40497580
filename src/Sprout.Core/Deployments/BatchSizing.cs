namespace Sprout.Core.Deployments;

/// <summary>Beanstalk's batch size rules.</summary>
public static class BatchSizing
{
    /// <summary>
    /// Instances per batch. Percentage is of the current instance count, rounded up so a small percentage of a small
    /// fleet still makes progress (eb.md does not say how Beanstalk rounds; rounding up is Sprout's choice). Fixed is
    /// the count itself. Either way at least 1 and at most every instance.
    /// </summary>
    public static int Compute(BatchSizeType type, int batchSize, int instanceCount)
    {
        if (instanceCount <= 0)
        {
            return 0;
        }

        var size = type == BatchSizeType.Percentage
            ? (int)Math.Ceiling(instanceCount * Math.Clamp(batchSize, 1, 100) / 100.0)
            : batchSize;
        return Math.Clamp(size, 1, instanceCount);
    }

    /// <summary>Splits instances into consecutive batches of <paramref name="size"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Split(IReadOnlyList<string> ids, int size) =>
        size <= 0 ? [] : [.. ids.Chunk(size).Select(chunk => (IReadOnlyList<string>)chunk)];
}
