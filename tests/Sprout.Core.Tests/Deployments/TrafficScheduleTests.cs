using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

public sealed class TrafficScheduleTests
{
    [Theory]
    [InlineData("10%:1m,100%", "10%:1m,100%")]
    [InlineData(" 5%:30s , 50%:1m30s , 100% ", "5%:30s,50%:1m30s,100%")]
    [InlineData("100%", "100%")]
    [InlineData("+25%:30s", "25%:30s,50%:30s,75%:30s,100%")]
    [InlineData("+30%:1m", "30%:1m,60%:1m,90%:1m,100%")]
    [InlineData("1%:2h,100%", "1%:2h,100%")]
    public void Parse_CanaryAndLinear(string text, string canonical) =>
        Assert.Equal(canonical, TrafficSchedule.Parse(text).ToString());

    [Theory]
    [InlineData("", "empty")]
    [InlineData("10%:1m", "last step must be '100%'")]
    [InlineData("10%:1m,5%:1m,100%", "must increase")]
    [InlineData("10%,100%", "needs a duration")]
    [InlineData("10%:1d,100%", "not a duration")]
    [InlineData("10%:m,100%", "not a duration")]
    [InlineData("10%:30s1m,100%", "not a duration")]
    [InlineData("0%:1m,100%", "percentage 1–100")]
    [InlineData("ten:1m,100%", "percentage 1–100")]
    [InlineData("100%,100%", "only the last step")]
    [InlineData("+25%", "needs an interval")]
    [InlineData("+100%:1m", "1–99")]
    public void TryParse_RejectsWithAReason(string text, string reason)
    {
        Assert.False(TrafficSchedule.TryParse(text, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Canary_FromBeanstalkOptions_IsOneEvaluationThenAll()
    {
        var schedule = TrafficSchedule.Canary(10, TimeSpan.FromMinutes(5));

        Assert.Equal([new TrafficIncrement(10, TimeSpan.FromMinutes(5)), new TrafficIncrement(100, TimeSpan.Zero)], schedule.Increments);
    }

    [Fact]
    public void StepsOption_IsValidatedByTheCatalogue()
    {
        var errors = Sprout.Core.Options.OptionValidator.Validate(
        [
            new("sprout:deployment:canary", "Steps", "10%:1m"),
            new("sprout:deployment:canary", "MaxP99LatencyRatio", "fast"),
        ]);

        Assert.Equal(2, errors.Count);
        Assert.Empty(Sprout.Core.Options.OptionValidator.Validate([new("sprout:deployment:canary", "Steps", "+20%:45s")]));
    }
}
