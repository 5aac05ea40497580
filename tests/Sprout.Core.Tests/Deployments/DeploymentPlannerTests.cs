using Sprout.Core.Deployments;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

public sealed class DeploymentPlannerTests
{
    [Fact]
    public void AllAtOnce_DrainsEveryInstanceDeploysWaitsAndPutsThemBack()
    {
        var plan = DeploymentPlanner.Plan(Request(DeploymentPolicy.AllAtOnce, 3));

        Assert.Equal(DeploymentStrategy.AllAtOnce, plan.Strategy);
        Assert.Collection(plan.Steps,
            s => Assert.Equal(["i-1", "i-2", "i-3"], Assert.IsType<DeregisterStep>(s).Refs),
            s => Assert.Equal(New, Assert.IsType<DeployInPlaceStep>(s).VersionLabel),
            s => Assert.Equal(TimeSpan.FromSeconds(600), Assert.IsType<WaitHealthyStep>(s).Timeout),
            s => Assert.Equal(DeploymentGroups.Main, Assert.IsType<RegisterStep>(s).Group));
        Assert.Equal(0, plan.MinimumInService);
        Assert.Equal(TimeSpan.FromSeconds(20), ((DeregisterStep)plan.Steps[0]).DrainTimeout);
        Assert.Equal(Old, plan.PreviousVersionLabel);
    }

    [Fact]
    public void Rolling_SixInstancesInBatchesOfTwo_KeepsFourInService()
    {
        var plan = DeploymentPlanner.Plan(Request(DeploymentPolicy.Rolling, 6, BatchSizeType.Fixed, 2));

        Assert.Equal(3, plan.BatchCount);
        Assert.Equal(2, plan.BatchSize);
        Assert.Equal(4, plan.MinimumInService);
        Assert.Equal(12, plan.Steps.Count);
        Assert.Equal("Deploying new version to instance(s) i-1, i-2 (batch 1 of 3).", plan.Steps[1].Description);
        Assert.Equal("Deploying new version to instance(s) i-5, i-6 (batch 3 of 3).", plan.Steps[9].Description);
        Assert.StartsWith("Batch 2: Taking instance(s) [i-3, i-4] out of service", plan.Steps[4].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Rolling_InstancesAlreadyOutOfService_GoInTheFirstBatch()
    {
        var fleet = new[]
        {
            new InstanceSnapshot("i-1", Old, InService: true),
            new InstanceSnapshot("i-2", Old, InService: true),
            new InstanceSnapshot("i-3", Old, InService: false),
            new InstanceSnapshot("i-4", Old, InService: true),
        };
        var plan = DeploymentPlanner.Plan(new DeploymentRequest(New, fleet, 4)
        {
            Options = DeploymentPolicyOptions.Defaults with { Policy = DeploymentPolicy.Rolling, BatchSizeType = BatchSizeType.Fixed, BatchSize = 1 },
        });

        Assert.Equal(["i-3"], Assert.IsType<DeregisterStep>(plan.Steps[0]).Refs);
        Assert.Equal(2, plan.MinimumInService);
    }

    [Fact]
    public void RollingWithAdditionalBatch_TheExtraBatchStays_AndTheLastBatchOfOriginalsIsRetiredInsteadOfUpdated()
    {
        var plan = DeploymentPlanner.Plan(Request(DeploymentPolicy.RollingWithAdditionalBatch, 4, BatchSizeType.Fixed, 2));

        var launch = Assert.IsType<LaunchInstancesStep>(plan.Steps[0]);
        Assert.Equal(2, launch.Refs.Count);
        Assert.True(launch.Temporary);
        Assert.Equal(New, launch.VersionLabel);
        Assert.Equal(["i-1", "i-2"], Assert.Single(plan.Steps.OfType<DeployInPlaceStep>()).Refs);
        Assert.Equal(launch.Refs, Assert.IsType<PromoteStep>(plan.Steps[^3]).Refs);
        Assert.Equal(["i-3", "i-4"], Assert.IsType<DeregisterStep>(plan.Steps[^2]).Refs);
        Assert.Equal(["i-3", "i-4"], Assert.IsType<TerminateInstancesStep>(plan.Steps[^1]).Refs);
        Assert.Equal(4, plan.MinimumInService);
        Assert.Equal(1, plan.BatchCount);
        Assert.Equal(plan.Steps.Count - 3, plan.PointOfNoReturn);
    }

    [Fact]
    public void RollingWithAdditionalBatch_BatchOfEveryInstance_UpdatesNoneInPlace()
    {
        var plan = DeploymentPlanner.Plan(Request(DeploymentPolicy.RollingWithAdditionalBatch, 3, BatchSizeType.Percentage, 100));

        Assert.Equal(3, Assert.IsType<LaunchInstancesStep>(plan.Steps[0]).Refs.Count);
        Assert.Empty(plan.Steps.OfType<DeployInPlaceStep>());
        Assert.Equal(["i-1", "i-2", "i-3"], Assert.IsType<TerminateInstancesStep>(plan.Steps[^1]).Refs);
        Assert.Equal(3, plan.MinimumInService);
    }

    [Fact]
    public void Immutable_LaunchesOneThenTheRestThenTerminatesTheOldInstances()
    {
        var plan = DeploymentPlanner.Plan(Request(DeploymentPolicy.Immutable, 3));

        Assert.Single(Assert.IsType<LaunchInstancesStep>(plan.Steps[0]).Refs);
        Assert.Equal(2, Assert.IsType<LaunchInstancesStep>(plan.Steps[3]).Refs.Count);
        Assert.Equal(3, Assert.IsType<PromoteStep>(plan.Steps[6]).Refs.Count);
        Assert.Equal(["i-1", "i-2", "i-3"], Assert.IsType<DeregisterStep>(plan.Steps[7]).Refs);
        Assert.Equal(["i-1", "i-2", "i-3"], Assert.IsType<TerminateInstancesStep>(plan.Steps[8]).Refs);
        Assert.Equal(6, plan.PointOfNoReturn);
        Assert.Equal(3, plan.MinimumInService);
        Assert.All(plan.Steps.OfType<LaunchInstancesStep>(), l => Assert.True(l.Temporary));
    }

    [Fact]
    public void TrafficSplitting_Defaults_SendTenPercentForFiveMinutesThenAll()
    {
        var plan = DeploymentPlanner.Plan(Request(DeploymentPolicy.TrafficSplitting, 2));

        var shifts = plan.Steps.OfType<ShiftTrafficStep>().Select(s => s.Weights.Single(w => w.Group == DeploymentGroups.Candidate).Weight);
        Assert.Equal([10, 100], shifts);
        var evaluate = Assert.Single(plan.Steps.OfType<EvaluateStep>());
        Assert.Equal(TimeSpan.FromMinutes(5), evaluate.Duration);
        Assert.Null(evaluate.Analysis);
        Assert.IsType<PromoteStep>(plan.Steps[^1]);
        Assert.Equal(2, plan.MinimumInService);
    }

    [Fact]
    public void TrafficSplitting_WithLinearCanarySteps_EvaluatesEachIncrementWithAnalysis()
    {
        var request = Request(DeploymentPolicy.TrafficSplitting, 2);
        request = request with { Options = request.Options with { CanarySteps = TrafficSchedule.Parse("+25%:30s") } };

        var plan = DeploymentPlanner.Plan(request);

        var shifts = plan.Steps.OfType<ShiftTrafficStep>().Select(s => s.Weights.Single(w => w.Group == DeploymentGroups.Candidate).Weight);
        Assert.Equal([25, 50, 75, 100], shifts);
        Assert.All(plan.Steps.OfType<EvaluateStep>(), e =>
        {
            Assert.Equal(TimeSpan.FromSeconds(30), e.Duration);
            Assert.Equal(CanaryThresholds.Default, e.Analysis);
        });
    }

    [Theory]
    [InlineData(DeploymentPolicy.AllAtOnce)]
    [InlineData(DeploymentPolicy.Rolling)]
    [InlineData(DeploymentPolicy.Immutable)]
    [InlineData(DeploymentPolicy.TrafficSplitting)]
    public void NoInstancesYet_EveryPolicyLaunchesTheDesiredCount(DeploymentPolicy policy)
    {
        var plan = DeploymentPlanner.Plan(new DeploymentRequest(New, [], 3) { Options = DeploymentPolicyOptions.Defaults with { Policy = policy } });

        Assert.Equal(3, Assert.IsType<LaunchInstancesStep>(plan.Steps[0]).Refs.Count);
        var fleet = new FleetSimulator([]);
        fleet.ApplyAll(plan.Steps);
        Assert.Equal(3, fleet.InService);
        Assert.Equal([New], fleet.Versions);
    }

    [Theory]
    [MemberData(nameof(DeploymentScenarios.Matrix), MemberType = typeof(DeploymentScenarios))]
    public void EveryPolicy_KeepsItsCapacityPromiseAtEveryStepAndEndsOnTheNewVersion(DeploymentPolicy policy, int count, BatchSizeType type, int batchSize)
    {
        var plan = Plan(policy, count, type, batchSize);
        var fleet = new FleetSimulator(plan.OriginalInstances);
        var batch = BatchSizing.Compute(type, batchSize, count);
        var promised = policy switch
        {
            DeploymentPolicy.AllAtOnce => 0,
            DeploymentPolicy.Rolling => count - batch,
            _ => count,
        };
        Assert.Equal(promised, plan.MinimumInService);

        for (var i = 0; i < plan.Steps.Count; i++)
        {
            Assert.Equal(i, plan.Steps[i].Index);
            Assert.False(string.IsNullOrWhiteSpace(plan.Steps[i].Description));
            fleet.Apply(plan.Steps[i]);
            Assert.True(fleet.InService >= promised, $"after step {i} ({plan.Steps[i].Description}) {fleet.InService} in service, {promised} promised");
        }

        Assert.Equal(count, fleet.Count);
        Assert.Equal(count, fleet.InService);
        Assert.Equal([New], fleet.Versions);
        Assert.False(fleet.AnyTemporary);
        Assert.Equal(100, fleet.Weights[DeploymentGroups.Main]);
        if (policy is DeploymentPolicy.Rolling or DeploymentPolicy.RollingWithAdditionalBatch)
        {
            // The additional batch takes the place of the last batch's worth of originals, which are retired, not updated.
            var updated = policy == DeploymentPolicy.Rolling ? count : count - batch;
            Assert.Equal((updated + batch - 1) / batch, plan.BatchCount);
            Assert.Equal(plan.BatchCount, plan.Steps.OfType<DeployInPlaceStep>().Count());
        }
    }

    [Fact]
    public void FromOptions_ReadsCommandTrafficSplittingAndCanaryNamespaces()
    {
        var options = Sprout.Core.Options.EffectiveOptions.Resolve([],
        [
            new("aws:elasticbeanstalk:command", "DeploymentPolicy", "TrafficSplitting"),
            new("aws:elasticbeanstalk:command", "BatchSizeType", "Fixed"),
            new("aws:elasticbeanstalk:command", "BatchSize", "2"),
            new("aws:elasticbeanstalk:command", "Timeout", "120"),
            new("aws:elasticbeanstalk:command", "IgnoreHealthCheck", "true"),
            new("aws:elasticbeanstalk:trafficsplitting", "NewVersionPercent", "20"),
            new("aws:elasticbeanstalk:trafficsplitting", "EvaluationTime", "7"),
            new("sprout:deployment:canary", "Steps", "10%:1m,100%"),
            new("sprout:deployment:canary", "MaxP99LatencyRatio", "2.5"),
        ]);

        var policy = DeploymentPolicyOptions.FromOptions(options);

        Assert.Equal(DeploymentPolicy.TrafficSplitting, policy.Policy);
        Assert.Equal(BatchSizeType.Fixed, policy.BatchSizeType);
        Assert.Equal(2, policy.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(120), policy.CommandTimeout);
        Assert.True(policy.IgnoreHealthCheck);
        Assert.Equal(20, policy.NewVersionPercent);
        Assert.Equal(TimeSpan.FromMinutes(7), policy.EvaluationTime);
        Assert.Equal("10%:1m,100%", policy.TrafficSchedule.ToString());
        Assert.Equal(2.5, policy.CanaryThresholds.MaxP99LatencyRatio);
        Assert.Equal(1.0, policy.CanaryThresholds.MaxErrorRateIncrease);
    }

    [Fact]
    public void FromOptions_Defaults_AreBeanstalks()
    {
        var policy = DeploymentPolicyOptions.FromOptions(Sprout.Core.Options.EffectiveOptions.Defaults);

        Assert.Equal(DeploymentPolicyOptions.Defaults, policy);
        Assert.Equal("10%:5m,100%", policy.TrafficSchedule.ToString());
    }
}
