using Sprout.Core.Health;

namespace Sprout.Core.Tests.Health;

public sealed class HealthCheckCounterTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    public void NewTarget_JoinsExactlyAtTheHealthyThreshold(int threshold)
    {
        var counter = new HealthCheckCounter(threshold, 5);
        for (var i = 1; i < threshold; i++)
        {
            Assert.Equal(HealthCheckTransition.None, counter.Record(passed: true, inService: false));
        }

        Assert.Equal(HealthCheckTransition.BecameHealthy, counter.Record(passed: true, inService: false));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void ServingTarget_LeavesExactlyAtTheUnhealthyThreshold(int threshold)
    {
        var counter = new HealthCheckCounter(3, threshold);
        for (var i = 1; i < threshold; i++)
        {
            Assert.Equal(HealthCheckTransition.None, counter.Record(passed: false, inService: true));
        }

        Assert.Equal(HealthCheckTransition.BecameUnhealthy, counter.Record(passed: false, inService: true));
        Assert.Equal(threshold, counter.Failures);
    }

    [Fact]
    public void OneResultOfTheOtherKind_StartsTheCountAgain()
    {
        var counter = new HealthCheckCounter(3, 3);
        counter.Record(true, false);
        counter.Record(true, false);
        counter.Record(false, false);
        Assert.Equal(HealthCheckTransition.None, counter.Record(true, false));
        Assert.Equal(HealthCheckTransition.None, counter.Record(true, false));
        Assert.Equal(HealthCheckTransition.BecameHealthy, counter.Record(true, false));

        counter.Record(false, true);
        counter.Record(false, true);
        counter.Record(true, true);
        Assert.Equal(HealthCheckTransition.None, counter.Record(false, true));
        Assert.Equal(HealthCheckTransition.None, counter.Record(false, true));
        Assert.Equal(HealthCheckTransition.BecameUnhealthy, counter.Record(false, true));
    }

    [Fact]
    public void FailuresOfATargetNotServing_NeverReportLeaving_AndPassesOfAServingOneNeverReportJoining()
    {
        var counter = new HealthCheckCounter(2, 2);
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(HealthCheckTransition.None, counter.Record(false, inService: false)));
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(HealthCheckTransition.None, counter.Record(true, inService: true)));
    }

    [Fact]
    public void UnhealthyTarget_ComesBackAfterTheHealthyThreshold()
    {
        var counter = new HealthCheckCounter(2, 2);
        counter.Record(false, true);
        Assert.Equal(HealthCheckTransition.BecameUnhealthy, counter.Record(false, true));

        Assert.Equal(HealthCheckTransition.None, counter.Record(true, false));
        Assert.Equal(HealthCheckTransition.BecameHealthy, counter.Record(true, false));
    }

    [Fact]
    public void Reset_ProvenHealthy_AdoptedTargetStaysWithoutRecounting()
    {
        var counter = new HealthCheckCounter(3, 3);
        counter.Reset(provenHealthy: true);

        Assert.Equal(3, counter.Successes);
        Assert.Equal(HealthCheckTransition.BecameHealthy, counter.Record(true, inService: false));
    }

    [Fact]
    public void Thresholds_BelowOne_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthCheckCounter(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthCheckCounter(2, 0));
    }
}
