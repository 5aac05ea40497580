using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

public sealed class CnameShiftPlannerTests
{
    [Fact]
    public void Linear_ShiftsWeightsStepByStepAndHoldsBetween()
    {
        var plan = CnameShiftPlanner.Plan("blue", "green", TrafficSchedule.Parse("+50%:2m"), CanaryThresholds.Default);

        Assert.Collection(plan.Steps,
            s => AssertWeights(s, 50, 50),
            s => Assert.Equal(TimeSpan.FromMinutes(2), Assert.IsType<EvaluateStep>(s).Duration),
            s => AssertWeights(s, 0, 100));
        var evaluate = (EvaluateStep)plan.Steps[1];
        Assert.Equal(("green", "blue"), (evaluate.Group, evaluate.BaselineGroup));
        Assert.Equal("Sending all traffic to environment green.", plan.Steps[2].Description);
    }

    [Fact]
    public void FailureWhileEvaluating_ShiftsEverythingBack()
    {
        var plan = CnameShiftPlanner.Plan("blue", "green", TrafficSchedule.Parse("10%:1m,100%"));

        var recovery = DeploymentFailures.Recover(plan, 1, new StepFailure(StepFailureKind.CanaryRegressed, "p99 tripled."));

        AssertWeights(Assert.Single(recovery.Steps), 100, 0);
        Assert.Equal(DeploymentResult.RolledBack, recovery.Outcome.Result);
    }

    [Fact]
    public void Success_SaysWhichEnvironmentsSwapped()
    {
        var plan = CnameShiftPlanner.Plan("blue", "green", TrafficSchedule.Parse("100%"));

        var outcome = Assert.IsType<FinishedAction>(DeploymentCursor.NextAction(DeploymentState.Start(plan).Started(0, DateTimeOffset.UnixEpoch).Succeeded(0, DateTimeOffset.UnixEpoch))).Outcome;

        Assert.Equal("Completed shifting traffic from environment blue to green.", outcome.Message);
    }

    private static void AssertWeights(DeploymentStep step, int blue, int green)
    {
        var shift = Assert.IsType<ShiftTrafficStep>(step);
        Assert.Equal([new GroupWeight("blue", blue, "blue"), new GroupWeight("green", green, "green")], shift.Weights);
    }
}
