using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

public sealed class BatchSizingTests
{
    [Theory]
    [InlineData(BatchSizeType.Percentage, 100, 4, 4)]
    [InlineData(BatchSizeType.Percentage, 30, 4, 2)]
    [InlineData(BatchSizeType.Percentage, 25, 10, 3)]
    [InlineData(BatchSizeType.Percentage, 50, 6, 3)]
    [InlineData(BatchSizeType.Percentage, 1, 5, 1)]
    [InlineData(BatchSizeType.Fixed, 2, 5, 2)]
    [InlineData(BatchSizeType.Fixed, 10, 3, 3)]
    [InlineData(BatchSizeType.Fixed, 1, 1, 1)]
    [InlineData(BatchSizeType.Fixed, 3, 0, 0)]
    public void Compute_RoundsPercentagesUpAndStaysWithinOneToAll(BatchSizeType type, int batchSize, int instances, int expected) =>
        Assert.Equal(expected, BatchSizing.Compute(type, batchSize, instances));

    [Fact]
    public void Split_KeepsOrderAndPutsTheRemainderLast()
    {
        var batches = BatchSizing.Split(["a", "b", "c", "d", "e"], 2);
        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], batches.Select(b => b.ToArray()).ToArray());
    }
}
