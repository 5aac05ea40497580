using Sprout.Core.Deployments;
using Sprout.Core.Model;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

public sealed class DeploymentFailureTests
{
    private static readonly StepFailure HealthFailure = new(StepFailureKind.HealthCheckFailed, "Instance i-9 did not pass health checks within 600 s.");

    /// <summary>Runs the plan up to the failed step, half of the failed step, then the recovery.</summary>
    private static (FleetSimulator Fleet, DeploymentRecovery Recovery, int MinDuringRecovery) FailAt(DeploymentPlan plan, int index)
    {
        var fleet = new FleetSimulator(plan.OriginalInstances);
        fleet.ApplyAll(plan.Steps.Take(index));
        var failed = plan.Steps[index];
        fleet.Apply(FleetSimulator.Partial(failed, failed.Instances.Count / 2));
        var recovery = DeploymentFailures.Recover(plan, index, HealthFailure);
        var min = fleet.InService;
        for (var i = 0; i < recovery.Steps.Count; i++)
        {
            Assert.Equal(plan.Steps.Count + i, recovery.Steps[i].Index);
            fleet.Apply(recovery.Steps[i]);
            min = Math.Min(min, fleet.InService);
        }

        return (fleet, recovery, min);
    }

    [Theory]
    [MemberData(nameof(DeploymentScenarios.Matrix), MemberType = typeof(DeploymentScenarios))]
    public void Immutable_And_TrafficSplitting_FailureBeforeCleanup_LeavesTheOriginalsUntouched(DeploymentPolicy policy, int count, BatchSizeType type, int batchSize)
    {
        if (policy is not (DeploymentPolicy.Immutable or DeploymentPolicy.TrafficSplitting))
        {
            return;
        }

        var plan = Plan(policy, count, type, batchSize);
        for (var k = 0; k < plan.Steps.Count; k++)
        {
            var (fleet, recovery, min) = FailAt(plan, k);
            if (k < plan.PointOfNoReturn)
            {
                Assert.Equal(DeploymentResult.RolledBack, recovery.Outcome.Result);
                Assert.Equal(Old, recovery.Outcome.EnvironmentVersionLabel);
                Assert.Equal(plan.OriginalInstances.Select(i => i.Id).Order(), fleet.Ids.Order());
                Assert.Equal([Old], fleet.Versions);
                Assert.Equal(count, fleet.InService);
                Assert.True(min >= count, $"failure at step {k}: only {min} in service during the rollback");
                Assert.Contains(recovery.Events, e => e is { Severity: EventSeverity.ERROR, Message: "Failed to deploy application." });
            }
            else
            {
                Assert.Equal(DeploymentResult.Succeeded, recovery.Outcome.Result);
                Assert.Equal([New], fleet.Versions);
                Assert.Equal(count, fleet.InService);
                Assert.Equal(count, fleet.Count);
            }
        }
    }

    [Fact]
    public void TrafficSplitting_CanaryRegression_ShiftsTrafficBackFirstThenTerminatesTheNewFleet()
    {
        var plan = Plan(DeploymentPolicy.TrafficSplitting, 3, BatchSizeType.Percentage, 100);
        var evaluate = plan.Steps.OfType<EvaluateStep>().First().Index;

        var recovery = DeploymentFailures.Recover(plan, evaluate, new StepFailure(StepFailureKind.CanaryRegressed, "5xx rate 12 % against 0 %."));

        Assert.Collection(recovery.Steps,
            s => Assert.Equal(100, Assert.IsType<ShiftTrafficStep>(s).Weights.Single(w => w.Group == DeploymentGroups.Main).Weight),
            s => Assert.Equal(3, Assert.IsType<DeregisterStep>(s).Refs.Count),
            s => Assert.Equal(3, Assert.IsType<TerminateInstancesStep>(s).Refs.Count));
        Assert.Contains("Traffic was routed back to the old instances", recovery.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains(recovery.Events, e => e.Message.Contains("5xx rate 12 %", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(6, 2)]
    [InlineData(3, 1)]
    public void Rolling_FailedBatch_StaysOutOfService_CompletedBatchesKeepTheNewVersion_PendingKeepTheOld(int count, int batchSize)
    {
        var plan = Plan(DeploymentPolicy.Rolling, count, BatchSizeType.Fixed, batchSize);
        var batches = BatchSizing.Split([.. plan.OriginalInstances.Select(i => i.Id)], batchSize);
        for (var k = 0; k < plan.Steps.Count; k++)
        {
            var (fleet, recovery, _) = FailAt(plan, k);
            var failedBatch = k / 4;
            var stepInBatch = k % 4;
            Assert.Equal(Old, recovery.Outcome.EnvironmentVersionLabel);
            Assert.Equal(count, fleet.Count);
            for (var b = 0; b < batches.Count; b++)
            {
                foreach (var id in batches[b])
                {
                    if (b < failedBatch)
                    {
                        Assert.Equal(New, fleet.VersionOf(id));
                        Assert.True(fleet.IsInRouter(id));
                    }
                    else if (b > failedBatch || stepInBatch == 0)
                    {
                        Assert.Equal(Old, fleet.VersionOf(id));
                        Assert.True(fleet.IsInRouter(id), $"failure at step {k}: {id} should serve");
                    }
                }
            }

            if (stepInBatch == 0)
            {
                Assert.Equal(failedBatch == 0 ? DeploymentResult.RolledBack : DeploymentResult.Failed, recovery.Outcome.Result);
                Assert.Equal(count, fleet.InService);
                if (failedBatch > 0)
                {
                    Assert.Contains($"Batch {failedBatch + 1} of {batches.Count} was put back in service unchanged; {failedBatch} completed", recovery.Outcome.Message, StringComparison.Ordinal);
                }
            }
            else
            {
                Assert.Equal(DeploymentResult.Failed, recovery.Outcome.Result);
                Assert.Contains(recovery.Events, e => e.Message == DeploymentFailures.AbortWarning);
                Assert.Contains($"Batch {failedBatch + 1} of {batches.Count} failed", recovery.Outcome.Message, StringComparison.Ordinal);
                Assert.True(fleet.InService >= count - batches[failedBatch].Count);
            }

            Assert.Empty(recovery.Steps.OfType<DeployInPlaceStep>());
        }
    }

    [Fact]
    public void RollingWithAdditionalBatch_FailureInTheAdditionalBatch_TerminatesItAndChangesNothingElse()
    {
        var plan = Plan(DeploymentPolicy.RollingWithAdditionalBatch, 4, BatchSizeType.Fixed, 2);
        for (var k = 0; k < 3; k++)
        {
            var (fleet, recovery, min) = FailAt(plan, k);
            Assert.Equal(DeploymentResult.RolledBack, recovery.Outcome.Result);
            Assert.Equal(["i-1", "i-2", "i-3", "i-4"], fleet.Ids.Order(StringComparer.Ordinal));
            Assert.Equal([Old], fleet.Versions);
            Assert.Equal(4, min);
        }
    }

    [Fact]
    public void RollingWithAdditionalBatch_FailureInALaterBatch_IsLikeRollingAndTheAdditionalBatchGoes()
    {
        // 6 instances, batches of 2: the additional batch, then [i-1, i-2] and [i-3, i-4] updated; i-5 and i-6 would be retired.
        var plan = Plan(DeploymentPolicy.RollingWithAdditionalBatch, 6, BatchSizeType.Fixed, 2);
        var secondBatchHealth = plan.Steps.OfType<WaitHealthyStep>().ElementAt(2).Index;

        var (fleet, recovery, _) = FailAt(plan, secondBatchHealth);

        Assert.Equal(DeploymentResult.Failed, recovery.Outcome.Result);
        Assert.Equal(6, fleet.Count);
        Assert.Equal(New, fleet.VersionOf("i-1"));
        Assert.True(fleet.IsInRouter("i-1"));
        Assert.False(fleet.IsInRouter("i-3"));
        Assert.Equal(Old, fleet.VersionOf("i-5"));
        Assert.Equal(4, fleet.InService);
        Assert.False(fleet.AnyTemporary);
    }

    [Fact]
    public void AllAtOnce_FailedHealthChecks_LeavesTheApplicationDownAndTheEnvironmentOnThePreviousLabel()
    {
        var plan = Plan(DeploymentPolicy.AllAtOnce, 3, BatchSizeType.Percentage, 100);

        var (fleet, recovery, _) = FailAt(plan, 2);

        Assert.Equal(DeploymentResult.Failed, recovery.Outcome.Result);
        Assert.Equal(Old, recovery.Outcome.EnvironmentVersionLabel);
        Assert.Equal(0, fleet.InService);
        Assert.Empty(recovery.Steps);
        Assert.Contains($"Redeploy {Old}", recovery.Outcome.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void AllAtOnce_FailureWhileDraining_PutsEveryInstanceBack()
    {
        var plan = Plan(DeploymentPolicy.AllAtOnce, 3, BatchSizeType.Percentage, 100);

        var (fleet, recovery, _) = FailAt(plan, 0);

        Assert.Equal(DeploymentResult.RolledBack, recovery.Outcome.Result);
        Assert.Equal(3, fleet.InService);
        Assert.Equal([Old], fleet.Versions);
    }

    [Fact]
    public void Immutable_FailureDuringCleanup_RetriesTheRestInsteadOfRollingBack()
    {
        var plan = Plan(DeploymentPolicy.Immutable, 2, BatchSizeType.Percentage, 100);
        var terminate = plan.Steps.OfType<TerminateInstancesStep>().Single().Index;

        var recovery = DeploymentFailures.Recover(plan, terminate, new StepFailure(StepFailureKind.Internal, "could not stop i-1"));

        Assert.Equal(DeploymentResult.Succeeded, recovery.Outcome.Result);
        var retried = Assert.IsType<TerminateInstancesStep>(Assert.Single(recovery.Steps));
        Assert.Equal(plan.Steps.Count, retried.Index);
        Assert.Contains(recovery.Events, e => e.Severity == EventSeverity.WARN);
    }
}
