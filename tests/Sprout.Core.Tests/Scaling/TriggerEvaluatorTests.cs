using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Core.Scaling;
using static Sprout.Core.Tests.Scaling.Series;

namespace Sprout.Core.Tests.Scaling;

public sealed class TriggerEvaluatorTests
{
    [Fact]
    public void Defaults_AreBeanstalks()
    {
        var trigger = ScalingTriggerOptions.From(EffectiveOptions.Defaults);

        Assert.Equal(ScalingTriggerOptions.Default, trigger);
        Assert.Equal("NetworkOut", trigger.MeasureName);
        Assert.Equal(ScalingStatistic.Average, trigger.Statistic);
        Assert.Equal("Bytes", trigger.Unit);
        Assert.Equal(TimeSpan.FromMinutes(5), trigger.Period);
        Assert.Equal(TimeSpan.FromMinutes(5), trigger.BreachDuration);
        Assert.Equal(1, trigger.EvaluationPeriods);
        Assert.Equal(6000000, trigger.UpperThreshold);
        Assert.Equal(1, trigger.UpperBreachScaleIncrement);
        Assert.Equal(2000000, trigger.LowerThreshold);
        Assert.Equal(-1, trigger.LowerBreachScaleIncrement);
        Assert.Equal(AutoScalingGroupOptions.Default, AutoScalingGroupOptions.From(EffectiveOptions.Defaults));
    }

    [Fact]
    public void SproutSeconds_OverrideBeanstalksMinutes()
    {
        var options = EffectiveOptions.Resolve([],
        [
            new OptionSetting(OptionNamespaces.SproutAutoScalingTrigger, "PeriodSeconds", "30"),
            new OptionSetting(OptionNamespaces.SproutAutoScalingTrigger, "BreachDurationSeconds", "90"),
            new OptionSetting(OptionNamespaces.AutoScalingTrigger, "MeasureName", "CPUUtilization"),
        ]);

        var trigger = ScalingTriggerOptions.From(options);

        Assert.Equal(TimeSpan.FromSeconds(30), trigger.Period);
        Assert.Equal(TimeSpan.FromSeconds(90), trigger.BreachDuration);
        Assert.Equal(3, trigger.PeriodsToBreach);
        Assert.Equal("CPUUtilization", trigger.MeasureName);
    }

    [Theory]
    [InlineData(80.001, TriggerBreach.Upper)]
    [InlineData(80, TriggerBreach.None)]
    [InlineData(20, TriggerBreach.None)]
    [InlineData(19.999, TriggerBreach.Lower)]
    public void Thresholds_CompareStrictly(double value, TriggerBreach expected) =>
        Assert.Equal(expected, TriggerEvaluator.Evaluate(CpuTrigger(), Constant(value, 60), Now).Breach);

    [Fact]
    public void Description_NamesMetricValueAndThreshold() =>
        Assert.Equal("CPUUtilization averaged 83 % over 60 s, above UpperThreshold 80 %",
            TriggerEvaluator.Evaluate(CpuTrigger(), Constant(83, 60), Now).Description);

    [Fact]
    public void EmptyPeriod_IsInsufficientData()
    {
        var evaluation = TriggerEvaluator.Evaluate(CpuTrigger(evaluationPeriods: 2), Constant(95, 60), Now);

        Assert.Equal(TriggerBreach.InsufficientData, evaluation.Breach);
        Assert.Equal([95.0, null], evaluation.PeriodValues);
    }

    [Fact]
    public void EveryPeriodNeeded_MustBreach()
    {
        var trigger = CpuTrigger(evaluationPeriods: 3);
        var twoHot = Constant(95, 120).Concat([new MetricSample(Now.AddSeconds(-150), 50)]).ToList();

        Assert.Equal(TriggerBreach.None, TriggerEvaluator.Evaluate(trigger, twoHot, Now).Breach);
        Assert.Equal(TriggerBreach.Upper, TriggerEvaluator.Evaluate(trigger, Constant(95, 180), Now).Breach);
    }

    [Fact]
    public void BreachDurationLongerThanThePeriods_AsksForMorePeriods()
    {
        var trigger = CpuTrigger() with { BreachDuration = TimeSpan.FromSeconds(121) };

        Assert.Equal(3, trigger.PeriodsToBreach);
    }

    [Fact]
    public void PeriodStart_IsExclusive_AndEndInclusive()
    {
        // A sample exactly one period old belongs to the previous period, so the current one holds only the sample at now.
        var samples = new[] { new MetricSample(Now.AddSeconds(-60), 0), new MetricSample(Now, 90) };

        var evaluation = TriggerEvaluator.Evaluate(CpuTrigger(), samples, Now);

        Assert.Equal(TriggerBreach.Upper, evaluation.Breach);
        Assert.Equal(90, evaluation.Latest);
    }

    [Theory]
    [InlineData(ScalingStatistic.Average, 50)]
    [InlineData(ScalingStatistic.Maximum, 90)]
    [InlineData(ScalingStatistic.Minimum, 10)]
    [InlineData(ScalingStatistic.Sum, 150)]
    public void Statistic_ReducesThePeriod(ScalingStatistic statistic, double expected)
    {
        var samples = new[] { new MetricSample(Now.AddSeconds(-40), 10), new MetricSample(Now.AddSeconds(-20), 50), new MetricSample(Now, 90) };

        Assert.Equal(expected, TriggerEvaluator.Evaluate(CpuTrigger() with { Statistic = statistic }, samples, Now).Latest);
    }
}
