using Sprout.Core.Deployments;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

/// <summary>The server dies at any step, maybe half way through it; the persisted state alone says how to go on.</summary>
public sealed class DeploymentResumeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Drives the reconciler loop against the simulator; <paramref name="fail"/> decides which step index fails, once.</summary>
    private static (DeploymentState State, DeploymentOutcome Outcome) RunToEnd(DeploymentState state, FleetSimulator fleet, int? fail = null)
    {
        for (var guard = 0; guard < 500; guard++)
        {
            switch (DeploymentCursor.NextAction(state))
            {
                case FinishedAction finished:
                    return (state, finished.Outcome);
                case RunStepAction run:
                    state = state.Started(run.Step.Index, T0.AddSeconds(guard));
                    if (run.Step.Index == fail)
                    {
                        fail = null;
                        fleet.Apply(FleetSimulator.Partial(run.Step, run.Step.Instances.Count / 2));
                        state = state.Failed(run.Step.Index, new StepFailure(StepFailureKind.HealthCheckFailed, "unhealthy"), T0.AddSeconds(guard));
                        break;
                    }

                    fleet.Apply(run.Step);
                    state = state.Succeeded(run.Step.Index, T0.AddSeconds(guard));
                    break;
                default:
                    throw new InvalidOperationException();
            }
        }

        throw new InvalidOperationException("the deployment did not finish");
    }

    /// <summary>Runs steps before <paramref name="crashAt"/>, starts it and does <paramref name="done"/> of its instances, then "restarts" through JSON.</summary>
    private static DeploymentState CrashAt(DeploymentState state, FleetSimulator fleet, int crashAt, int done)
    {
        var phase = state.Recovery?.Steps ?? state.Plan.Steps;
        foreach (var step in phase.Where(s => s.Index < crashAt && state.RecordOf(s.Index)?.Status != StepStatus.Succeeded))
        {
            var next = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));
            Assert.Equal(step.Index, next.Step.Index);
            state = state.Started(step.Index, T0).Succeeded(step.Index, T0);
            fleet.Apply(step);
        }

        var crashed = state.AllSteps.Single(s => s.Index == crashAt);
        state = state.Started(crashAt, T0.AddMinutes(1));
        fleet.Apply(FleetSimulator.Partial(crashed, done));
        return DeploymentJson.Deserialize(DeploymentJson.Serialize(state));
    }

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
