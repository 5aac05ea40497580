using Sprout.Core.Deployments;
using static Sprout.Core.Tests.Deployments.DeploymentDriver;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

/// <summary>The server dies at any step, maybe half way through it; the persisted state alone says how to go on.</summary>
public sealed class DeploymentResumeTests
{
    [Theory]
    [MemberData(nameof(DeploymentScenarios.Matrix), MemberType = typeof(DeploymentScenarios))]
    public void CrashAtAnyStep_ResumesThatStepAndCompletesOnTheNewVersion(DeploymentPolicy policy, int count, BatchSizeType type, int batchSize)
    {
        var plan = Plan(policy, count, type, batchSize);
        for (var k = 0; k < plan.Steps.Count; k++)
        {
            foreach (var done in new[] { 0, plan.Steps[k].Instances.Count / 2, plan.Steps[k].Instances.Count })
            {
                var fleet = new FleetSimulator(plan.OriginalInstances);
                var state = CrashAt(DeploymentState.Start(plan), fleet, k, done);

                var resumed = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));
                Assert.Equal(k, resumed.Step.Index);
                Assert.True(resumed.Resuming);
                Assert.Equal(T0.AddMinutes(1), resumed.FirstStartedAt);

                var (_, outcome) = RunToEnd(state, fleet);
                Assert.Equal(DeploymentResult.Succeeded, outcome.Result);
                Assert.Equal(New, outcome.EnvironmentVersionLabel);
                Assert.Equal([New], fleet.Versions);
                Assert.Equal(count, fleet.InService);
                Assert.Equal(count, fleet.Count);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DeploymentScenarios.Matrix), MemberType = typeof(DeploymentScenarios))]
    public void FailureAtAnyStep_EndsRolledBackOnTheOldVersion_OrAsBeanstalkLeavesIt(DeploymentPolicy policy, int count, BatchSizeType type, int batchSize)
    {
        var plan = Plan(policy, count, type, batchSize);
        for (var k = 0; k < plan.Steps.Count; k++)
        {
            var fleet = new FleetSimulator(plan.OriginalInstances);

            var (state, outcome) = RunToEnd(DeploymentState.Start(plan), fleet, fail: k);

            Assert.Equal(k, state.FailedStepIndex);
            switch (outcome.Result)
            {
                case DeploymentResult.RolledBack:
                    Assert.Equal(Old, outcome.EnvironmentVersionLabel);
                    Assert.Equal([Old], fleet.Versions);
                    Assert.Equal(count, fleet.InService);
                    Assert.Equal(count, fleet.Count);
                    break;
                case DeploymentResult.Succeeded:
                    Assert.True(k >= plan.PointOfNoReturn);
                    Assert.Equal([New], fleet.Versions);
                    Assert.Equal(count, fleet.InService);
                    break;
                case DeploymentResult.Failed:
                    Assert.True(policy is DeploymentPolicy.AllAtOnce or DeploymentPolicy.Rolling or DeploymentPolicy.RollingWithAdditionalBatch,
                        $"{policy} must not leave a failed deployment behind");
                    Assert.Equal(Old, outcome.EnvironmentVersionLabel);
                    Assert.Equal(count, fleet.Count);
                    Assert.False(fleet.AnyTemporary);
                    break;
                default:
                    Assert.Fail($"unexpected {outcome.Result}");
                    break;
            }
        }
    }

    [Theory]
    [InlineData(DeploymentPolicy.Immutable, 3)]
    [InlineData(DeploymentPolicy.TrafficSplitting, 3)]
    [InlineData(DeploymentPolicy.Immutable, 1)]
    [InlineData(DeploymentPolicy.TrafficSplitting, 2)]
    public void FailureThenCrashDuringRollback_FinishesTheRollbackOnExactlyOneVersion(DeploymentPolicy policy, int count)
    {
        var plan = Plan(policy, count, BatchSizeType.Percentage, 100);
        for (var k = 0; k < plan.Steps.Count; k++)
        {
            var fleet = new FleetSimulator(plan.OriginalInstances);
            var state = DeploymentState.Start(plan);
            foreach (var step in plan.Steps.Take(k))
            {
                fleet.Apply(step);
                state = state.Started(step.Index, T0).Succeeded(step.Index, T0);
            }

            fleet.Apply(FleetSimulator.Partial(plan.Steps[k], plan.Steps[k].Instances.Count / 2));
            state = state.Started(k, T0).Failed(k, new StepFailure(StepFailureKind.HealthCheckFailed, "unhealthy"), T0);
            var recovery = state.Recovery!;
            if (recovery.Steps.Count > 0)
            {
                state = CrashAt(state, fleet, recovery.Steps[^1].Index, 0);
                var resumed = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));
                Assert.Equal(DeploymentPhase.Recovery, resumed.Phase);
            }

            var (_, outcome) = RunToEnd(state, fleet);
            var expected = k < plan.PointOfNoReturn ? Old : New;
            Assert.Equal([expected], fleet.Versions);
            Assert.Equal(expected, outcome.EnvironmentVersionLabel);
            Assert.Equal(count, fleet.InService);
        }
    }

    [Fact]
    public void RecoveryStepFails_FinishesAsRollbackFailed()
    {
        var plan = Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100);
        var state = DeploymentState.Start(plan).Started(0, T0).Failed(0, new StepFailure(StepFailureKind.LaunchFailed, "no free ports"), T0);
        var first = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));

        state = state.Started(first.Step.Index, T0).Failed(first.Step.Index, new StepFailure(StepFailureKind.Internal, "router unavailable."), T0);

        var finished = Assert.IsType<FinishedAction>(DeploymentCursor.NextAction(state));
        Assert.Equal(DeploymentResult.RollbackFailed, finished.Outcome.Result);
    }

    [Fact]
    public void CleanupRetryFails_FinishesOnTheNewVersionWithErrors()
    {
        var plan = Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100);
        var state = DeploymentState.Start(plan);
        foreach (var step in plan.Steps.Take(plan.PointOfNoReturn + 1))
        {
            state = state.Started(step.Index, T0).Succeeded(step.Index, T0);
        }

        var terminate = plan.Steps[^1].Index;
        state = state.Started(terminate, T0).Failed(terminate, new StepFailure(StepFailureKind.Internal, "i-1 did not stop."), T0);
        var retry = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));
        state = state.Started(retry.Step.Index, T0).Failed(retry.Step.Index, new StepFailure(StepFailureKind.Internal, "i-1 did not stop."), T0);

        var outcome = Assert.IsType<FinishedAction>(DeploymentCursor.NextAction(state)).Outcome;
        Assert.Equal(DeploymentResult.Succeeded, outcome.Result);
        Assert.Equal(New, outcome.EnvironmentVersionLabel);
        Assert.StartsWith("Update environment operation is complete, but with errors", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LaunchedInstances_AreRememberedAcrossRestarts()
    {
        var plan = Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100);
        var reference = ((LaunchInstancesStep)plan.Steps[0]).Refs[0];
        var state = DeploymentState.Start(plan).Started(0, T0).WithLaunchedInstance(reference, "i-0abc");

        var restored = DeploymentJson.Deserialize(DeploymentJson.Serialize(state));

        Assert.Equal("i-0abc", restored.ResolveInstance(reference));
        Assert.Equal("i-1", restored.ResolveInstance("i-1"));
        Assert.Null(restored.ResolveInstance(InstanceRefs.Launched("immutable", 2)));
        Assert.Equal(DeploymentJson.Serialize(state), DeploymentJson.Serialize(restored));
    }

    [Fact]
    public void NewlyStartedDeployment_RunsTheFirstStepAndSaysTheUpdateIsStarting()
    {
        var state = DeploymentState.Start(Plan(DeploymentPolicy.Rolling, 4, BatchSizeType.Fixed, 1));

        var action = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));

        Assert.Equal(0, action.Step.Index);
        Assert.False(action.Resuming);
        Assert.Equal(DeploymentPhase.Forward, action.Phase);
        Assert.Equal("Environment update is starting.", state.StartEvents[0].Message);
    }
}
