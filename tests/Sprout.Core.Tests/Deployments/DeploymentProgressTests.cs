using System.Text.Json;
using Sprout.Core.Api;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

public sealed class DeploymentProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static readonly StepFailure HealthFailure =
        new(StepFailureKind.HealthCheckFailed, "2 of 2 instance(s) did not pass their health checks within the command timeout (4 s).");

    /// <summary>Rolling, 4 instances in 2 batches of 2: Deregister, DeployInPlace, WaitHealthy, Register per batch.</summary>
    private static DeploymentState RollingState() =>
        DeploymentState.Start(Plan(DeploymentPolicy.Rolling, 4, BatchSizeType.Fixed, 2));

    private static DeploymentProgressSource Source(params DeploymentInstanceView[] instances) =>
        new("web-env", 3, instances, [new GroupWeight(DeploymentGroups.Main, 100)], T0.AddSeconds(30));

    private static DeploymentInstanceView Serving(string id, string version = Old) =>
        new(id, version, InstanceState.InService, DeploymentGroups.Main, "Ok");

    private static DeploymentState Run(DeploymentState state, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var step = ((RunStepAction)DeploymentCursor.NextAction(state)).Step;
            state = state.Started(step.Index, T0.AddSeconds(i)).Succeeded(step.Index, T0.AddSeconds(i + 1));
        }

        return state;
    }

    [Fact]
    public void Describe_NotStarted_EverythingPendingAndTheFirstBatchIsNext()
    {
        var progress = DeploymentProgress.Describe(RollingState(), Source(Serving("i-1"), Serving("i-2"), Serving("i-3"), Serving("i-4")));

        Assert.Equal(("web-env", 3L, DeploymentStrategy.Rolling, New, Old), (progress.EnvironmentName, progress.DeploymentId, progress.Policy, progress.TargetVersionLabel, progress.PreviousVersionLabel));
        Assert.Equal(DeploymentProgressPhase.Deploying, progress.Phase);
        Assert.Equal(8, progress.Steps.Count);
        Assert.All(progress.Steps, s => Assert.Equal(DeploymentStepStatus.Pending, s.Status));
        Assert.Equal(0, progress.CurrentStepIndex);
        Assert.Equal(new DeploymentBatchDto(1, 2, 0, 2), progress.Batch);
        Assert.Equal(new DeploymentCapacityDto(4, 2, 4), progress.Capacity);
        Assert.Null(progress.StartedAt);
        Assert.Null(progress.Outcome);
        Assert.False(progress.HasFailed);
    }

    [Fact]
    public void Describe_SecondBatchRunning_CountsCompletedBatchAndMarksTheRunningStep()
    {
        var state = Run(RollingState(), 5);
        state = state.Started(5, T0.AddSeconds(10));
        var progress = DeploymentProgress.Describe(state, Source(
            Serving("i-1", New), Serving("i-2", New),
            new DeploymentInstanceView("i-3", New, InstanceState.Pending, null, "Pending"),
            new DeploymentInstanceView("i-4", New, InstanceState.Pending, null, "Pending")));

        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], progress.Steps.Select(s => s.Batch!.Value));
        Assert.Equal(
            [DeploymentStepStatus.Succeeded, DeploymentStepStatus.Succeeded, DeploymentStepStatus.Succeeded, DeploymentStepStatus.Succeeded,
             DeploymentStepStatus.Succeeded, DeploymentStepStatus.Running, DeploymentStepStatus.Pending, DeploymentStepStatus.Pending],
            progress.Steps.Select(s => s.Status));
        Assert.Equal(["deregister", "deployInPlace", "waitHealthy", "register"], progress.Steps.Take(4).Select(s => s.Kind));
        Assert.Equal(5, progress.CurrentStepIndex);
        Assert.Equal(new DeploymentBatchDto(2, 2, 1, 2), progress.Batch);
        Assert.Equal(2, progress.Capacity.InService);
        Assert.Equal(T0, progress.StartedAt);
        Assert.Equal(T0.AddSeconds(10), progress.Steps[5].StartedAt);
        Assert.Null(progress.Steps[5].EndedAt);
    }

    [Fact]
    public void Describe_FailedBatchThenFinished_NamesTheFailedStepAndSkipsTheRest()
    {
        var state = Run(RollingState(), 2);
        state = state.Started(2, T0.AddSeconds(3)).Failed(2, HealthFailure, T0.AddSeconds(7));
        // Rolling has nothing to undo after a failed health check: the recovery is empty and the deployment is over.
        var progress = DeploymentProgress.Describe(state, Source(
            new DeploymentInstanceView("i-1", New, InstanceState.Unhealthy, null, "Severe", "GET /no-such-health-page returned HTTP 404"),
            new DeploymentInstanceView("i-2", New, InstanceState.Unhealthy, null, "Severe"),
            Serving("i-3"), Serving("i-4")) with { FinishedAt = T0.AddSeconds(8) });

        Assert.Equal(DeploymentProgressPhase.Finished, progress.Phase);
        Assert.Null(progress.CurrentStepIndex);
        Assert.Equal(DeploymentStepStatus.Failed, progress.Steps[2].Status);
        Assert.Equal(HealthFailure.Detail, progress.Steps[2].Detail);
        Assert.All(progress.Steps.Skip(3).Where(s => !s.Recovery), s => Assert.Equal(DeploymentStepStatus.Skipped, s.Status));
        Assert.Equal(new DeploymentFailureDto(2, StepFailureKind.HealthCheckFailed, state.Plan.Steps[2].Description, HealthFailure.Detail), progress.Failure);
        Assert.Equal(DeploymentResult.Failed, progress.Outcome!.Result);
        Assert.True(progress.HasFailed);
        Assert.Equal(new DeploymentBatchDto(1, 2, 0, 2), progress.Batch);
        Assert.Equal(new DeploymentCapacityDto(2, 2, 4), progress.Capacity);
        Assert.Equal(T0.AddSeconds(8), progress.EndedAt);
        Assert.Equal("GET /no-such-health-page returned HTTP 404", progress.Instances[0].Cause);
    }

    [Fact]
    public void Describe_ImmutableFailure_RunsRecoveryStepsNumberedAfterThePlan()
    {
        var state = DeploymentState.Start(Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100));
        state = Run(state, 1).WithLaunchedInstance("launch:immutable:1", "i-9");
        state = state.Started(1, T0.AddSeconds(2)).Failed(1, HealthFailure, T0.AddSeconds(5));
        var progress = DeploymentProgress.Describe(state, Source(Serving("i-1"), Serving("i-2"),
            new DeploymentInstanceView("i-9", New, InstanceState.Pending, null, "Pending")));

        Assert.Equal(DeploymentProgressPhase.Recovering, progress.Phase);
        Assert.Null(progress.Batch);
        var recovery = progress.Steps.Where(s => s.Recovery).ToList();
        Assert.NotEmpty(recovery);
        Assert.Equal(state.Plan.Steps.Count, recovery[0].Index);
        Assert.Equal(recovery[0].Index, progress.CurrentStepIndex);
        Assert.All(recovery, s => Assert.Equal(DeploymentStepStatus.Pending, s.Status));
        Assert.True(progress.Instances.Single(i => i.InstanceId == "i-9").Launched);
        Assert.False(progress.Instances.Single(i => i.InstanceId == "i-1").Launched);
        Assert.Equal(2, progress.Capacity.InService);
    }

    [Fact]
    public void Describe_CandidateGroupAtWeightZero_IsNotInService()
    {
        var state = DeploymentState.Start(Plan(DeploymentPolicy.TrafficSplitting, 2, BatchSizeType.Percentage, 100));
        var source = Source(Serving("i-1"), Serving("i-2"), new DeploymentInstanceView("i-9", New, InstanceState.InService, DeploymentGroups.Candidate, "Ok"))
            with { Weights = DeploymentPlanner.Weights(0) };

        var progress = DeploymentProgress.Describe(state, source);

        Assert.Equal([true, true, false], progress.Instances.Select(i => i.InService));
        Assert.Equal(2, progress.Capacity.InService);
    }

    [Fact]
    public void Describe_TerminatedInstances_AreLeftOut_AndOriginalsComeFirstInPlanOrder()
    {
        var progress = DeploymentProgress.Describe(RollingState(), Source(
            new DeploymentInstanceView("i-0", Old, InstanceState.Terminated, null),
            new DeploymentInstanceView("i-10", New, InstanceState.Pending, null),
            Serving("i-2"), Serving("i-1"), Serving("i-4"), Serving("i-3")));

        Assert.Equal(["i-1", "i-2", "i-3", "i-4", "i-10"], progress.Instances.Select(i => i.InstanceId));
        Assert.Equal(5, progress.Capacity.Instances);
    }

    [Fact]
    public void BatchesOf_RollingWithAdditionalBatch_LeavesTheAdditionalBatchAndCleanupOut()
    {
        // 6 instances in batches of 2: the additional batch, two rolling batches, then the last 2 originals retired.
        var plan = Plan(DeploymentPolicy.RollingWithAdditionalBatch, 6, BatchSizeType.Fixed, 2);

        var batches = DeploymentProgress.BatchesOf(plan);

        Assert.Equal(2, plan.BatchCount);
        Assert.Equal(Enumerable.Range(3, 8), batches.Keys.Order());
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], batches.OrderBy(b => b.Key).Select(b => b.Value));
    }

    [Fact]
    public void BatchesOf_RollingConfigurationUpdate_PutsReplacementsAndPausesInTheirBatch()
    {
        var plan = RollingUpdatePlanner.Plan(new RollingUpdateRequest(2, Old, [.. Fleet(4).Select(i => i with { ConfigGeneration = 1 })])
        {
            Options = RollingUpdateOptions.Defaults with { Enabled = true, MaxBatchSize = 2, MinInstancesInService = 2 },
            MinSize = 4,
            MaxSize = 8,
        });

        var batches = DeploymentProgress.BatchesOf(plan);

        Assert.Equal(DeploymentStrategy.RollingReplacement, plan.Strategy);
        Assert.Equal(2, plan.BatchCount);
        foreach (var step in plan.Steps)
        {
            var expected = step.Description.Contains("batch 1 of 2", StringComparison.Ordinal) ? 1 : 2;
            Assert.Equal(expected, batches[step.Index]);
        }
    }

    [Fact]
    public void BatchesOf_ImmutableAndAllAtOnce_HaveNone()
    {
        Assert.Empty(DeploymentProgress.BatchesOf(Plan(DeploymentPolicy.Immutable, 4, BatchSizeType.Fixed, 2)));
        Assert.Empty(DeploymentProgress.BatchesOf(Plan(DeploymentPolicy.AllAtOnce, 4, BatchSizeType.Fixed, 2)));
    }

    [Fact]
    public void Document_RoundTripsThroughTheApiJson()
    {
        var state = Run(RollingState(), 2).Started(2, T0.AddSeconds(3)).Failed(2, HealthFailure, T0.AddSeconds(7));
        var progress = DeploymentProgress.Describe(state, Source(Serving("i-1"), Serving("i-2"), Serving("i-3"), Serving("i-4")));

        var json = JsonSerializer.Serialize(progress, SproutJson.Options);
        var read = JsonSerializer.Deserialize<DeploymentProgressDto>(json, SproutJson.Options)!;

        Assert.Contains("\"policy\": \"Rolling\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Skipped\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"HealthCheckFailed\"", json, StringComparison.Ordinal);
        Assert.Equal(progress.Steps, read.Steps);
        Assert.Equal(progress.Failure, read.Failure);
        Assert.Equal(progress.Outcome, read.Outcome);
        Assert.Equal(progress.Batch, read.Batch);
        Assert.True(read.HasFailed);
    }
}
