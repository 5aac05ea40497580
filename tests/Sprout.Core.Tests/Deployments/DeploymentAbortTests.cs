using Sprout.Core.Deployments;
using Sprout.Core.Model;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

public sealed class DeploymentAbortTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DeploymentState RunUntil(DeploymentPlan plan, int index)
    {
        var state = DeploymentState.Start(plan);
        foreach (var step in plan.Steps.Take(index))
        {
            state = state.Started(step.Index, T0).Succeeded(step.Index, T0);
        }

        return state;
    }

    [Fact]
    public void TrafficSplitting_AbortWhileEvaluating_SendsTrafficBackAndTerminatesTheNewFleet()
    {
        var plan = Plan(DeploymentPolicy.TrafficSplitting, 2, BatchSizeType.Percentage, 100);
        var evaluate = plan.Steps.OfType<EvaluateStep>().Single().Index;
        var state = RunUntil(plan, evaluate);

        Assert.True(state.CanAbort);
        var aborted = state.Abort(T0.AddMinutes(2));

        Assert.Equal(StepFailureKind.Aborted, aborted.Failure!.Kind);
        var next = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(aborted));
        Assert.Equal(DeploymentPhase.Recovery, next.Phase);
        Assert.IsType<ShiftTrafficStep>(next.Step);
        Assert.Equal(DeploymentResult.RolledBack, aborted.Recovery!.Outcome.Result);
    }

    [Fact]
    public void Immutable_OnceOldInstancesAreLeaving_CannotBeAborted()
    {
        var plan = Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100);

        Assert.True(RunUntil(plan, plan.PointOfNoReturn - 1).CanAbort);
        Assert.False(RunUntil(plan, plan.PointOfNoReturn).CanAbort);
        Assert.Throws<InvalidOperationException>(() => RunUntil(plan, plan.PointOfNoReturn).Abort(T0));
    }

    [Fact]
    public void Rolling_Abort_StopsWhereItIsWithTheAbortWarning()
    {
        var plan = Plan(DeploymentPolicy.Rolling, 4, BatchSizeType.Fixed, 2);
        var secondBatchDeploy = plan.Steps.OfType<DeployInPlaceStep>().ElementAt(1).Index;

        var aborted = RunUntil(plan, secondBatchDeploy + 1).Abort(T0);

        Assert.Equal(DeploymentResult.Failed, aborted.Recovery!.Outcome.Result);
        Assert.Contains(aborted.Recovery.Events, e => e is { Severity: EventSeverity.WARN, Message: DeploymentFailures.AbortWarning });
    }

    [Theory]
    [InlineData(DeploymentPolicy.Rolling, EnvironmentType.SingleInstance, false)]
    [InlineData(DeploymentPolicy.RollingWithAdditionalBatch, EnvironmentType.SingleInstance, false)]
    [InlineData(DeploymentPolicy.TrafficSplitting, EnvironmentType.SingleInstance, false)]
    [InlineData(DeploymentPolicy.Immutable, EnvironmentType.SingleInstance, true)]
    [InlineData(DeploymentPolicy.AllAtOnce, EnvironmentType.SingleInstance, true)]
    [InlineData(DeploymentPolicy.TrafficSplitting, EnvironmentType.LoadBalanced, true)]
    public void CheckSupported_FollowsBeanstalksPolicySupport(DeploymentPolicy policy, EnvironmentType type, bool supported) =>
        Assert.Equal(supported, DeploymentPlanner.CheckSupported(policy, type) is null);

    [Fact]
    public void PersistedState_HoldsOnlyWhatItNeeds()
    {
        var state = RunUntil(Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100), 2);

        var json = DeploymentJson.Serialize(state);

        Assert.Contains("\"kind\":\"launch\"", json, StringComparison.Ordinal);
        Assert.Contains("\"strategy\":\"Immutable\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"instances\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"allSteps\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"canAbort\"", json, StringComparison.Ordinal);
        Assert.Equal(json, DeploymentJson.Serialize(DeploymentJson.Deserialize(json)));
    }
}
