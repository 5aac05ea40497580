using Sprout.Core.Deployments;
using Sprout.Core.Options;
using static Sprout.Core.Tests.Deployments.DeploymentScenarios;

namespace Sprout.Core.Tests.Deployments;

public sealed class RollingUpdatePlannerTests
{
    private const long NewConfig = 2;

    private static RollingUpdateRequest Request(int count, RollingUpdateOptions options, int minSize = 1, int maxSize = 8) =>
        new(NewConfig, Old, [.. Fleet(count).Select(i => i with { ConfigGeneration = 1 })])
        {
            Options = options,
            MinSize = minSize,
            MaxSize = maxSize,
        };

    public static TheoryData<int, RollingUpdateType, int?, int?> Matrix()
    {
        var data = new TheoryData<int, RollingUpdateType, int?, int?>();
        foreach (var count in new[] { 1, 2, 4, 5 })
        {
            foreach (var type in new[] { RollingUpdateType.Time, RollingUpdateType.Health, RollingUpdateType.Immutable })
            {
                data.Add(count, type, null, null);
                data.Add(count, type, 2, 1);
                data.Add(count, type, 1, count);
            }
        }

        return data;
    }

    [Fact]
    public void Disabled_ReplacesEveryInstanceAtOnce()
    {
        var plan = RollingUpdatePlanner.Plan(Request(3, RollingUpdateOptions.Defaults));

        Assert.Equal(DeploymentStrategy.ReplaceAll, plan.Strategy);
        Assert.True(plan.IsConfigurationUpdate);
        Assert.Equal(0, plan.MinimumInService);
        Assert.IsType<DeregisterStep>(plan.Steps[0]);
        Assert.IsType<TerminateInstancesStep>(plan.Steps[1]);
        Assert.Equal(NewConfig, Assert.IsType<LaunchInstancesStep>(plan.Steps[2]).ConfigGeneration);
    }

    [Fact]
    public void Health_FourInstancesKeepingTwo_ReplacesTwoAtATimeAfterTheyPassHealthChecks()
    {
        var plan = RollingUpdatePlanner.Plan(Request(4, new RollingUpdateOptions
        {
            Enabled = true,
            Type = RollingUpdateType.Health,
            MaxBatchSize = 2,
            MinInstancesInService = 2,
            Timeout = TimeSpan.FromMinutes(10),
        }));

        Assert.Equal(DeploymentStrategy.RollingReplacement, plan.Strategy);
        Assert.Equal(2, plan.BatchCount);
        Assert.Equal(2, plan.MinimumInService);
        Assert.Equal(
            [typeof(DeregisterStep), typeof(TerminateInstancesStep), typeof(LaunchInstancesStep), typeof(WaitHealthyStep), typeof(RegisterStep)],
            plan.Steps.Take(5).Select(s => s.GetType()));
        Assert.Equal(TimeSpan.FromMinutes(10), plan.Steps.OfType<WaitHealthyStep>().First().Timeout);
        Assert.Empty(plan.Steps.OfType<PauseStep>());
    }

    [Fact]
    public void Time_PausesBetweenBatchesWithoutWaitingForHealth()
    {
        var plan = RollingUpdatePlanner.Plan(Request(3, new RollingUpdateOptions
        {
            Enabled = true,
            MaxBatchSize = 1,
            MinInstancesInService = 2,
            PauseTime = TimeSpan.FromSeconds(45),
        }));

        Assert.Equal(3, plan.BatchCount);
        Assert.Empty(plan.Steps.OfType<WaitHealthyStep>());
        Assert.Equal([TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45)], plan.Steps.OfType<PauseStep>().Select(p => p.Duration));
    }

    [Fact]
    public void MinInstancesInServiceEqualToCapacity_LaunchesReplacementsBeforeTerminating()
    {
        // Beanstalk's default for MinSize 1, MaxSize 4 is min(1, 3) = 1 in service with one instance.
        var plan = RollingUpdatePlanner.Plan(Request(1, new RollingUpdateOptions { Enabled = true, Type = RollingUpdateType.Health }, minSize: 1, maxSize: 4));

        Assert.IsType<LaunchInstancesStep>(plan.Steps[0]);
        Assert.IsType<TerminateInstancesStep>(plan.Steps[^1]);
        Assert.Equal(1, plan.MinimumInService);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void EveryType_KeepsMinInstancesInService_EndsOnTheNewConfiguration_AndRollsBackFromAnyStep(int count, RollingUpdateType type, int? maxBatch, int? minInService)
    {
        var options = new RollingUpdateOptions { Enabled = true, Type = type, MaxBatchSize = maxBatch, MinInstancesInService = minInService };
        var plan = RollingUpdatePlanner.Plan(Request(count, options));
        var promised = type == RollingUpdateType.Immutable ? count : Math.Min(count, options.EffectiveMinInstancesInService(1, 8));
        Assert.True(plan.MinimumInService >= promised, $"plan promises {plan.MinimumInService}, options ask for {promised}");

        var fleet = new FleetSimulator(plan.OriginalInstances);
        foreach (var step in plan.Steps)
        {
            fleet.Apply(step);
            Assert.True(fleet.InService >= plan.MinimumInService, $"after step {step.Index} ({step.Description}) {fleet.InService} in service");
        }

        Assert.Equal([NewConfig], fleet.Configs);
        Assert.Equal(count, fleet.InService);
        Assert.Equal(count, fleet.Count);

        for (var k = 0; k < plan.Steps.Count; k++)
        {
            var failed = new FleetSimulator(plan.OriginalInstances);
            failed.ApplyAll(plan.Steps.Take(k));
            failed.Apply(FleetSimulator.Partial(plan.Steps[k], plan.Steps[k].Instances.Count / 2));
            var recovery = DeploymentFailures.Recover(plan, k, new StepFailure(StepFailureKind.HealthCheckFailed, "unhealthy"));
            failed.ApplyAll(recovery.Steps);

            var expected = k >= plan.PointOfNoReturn ? NewConfig : 1;
            Assert.Equal([expected], failed.Configs);
            Assert.Equal(count, failed.Count);
            Assert.Equal(count, failed.InService);
            Assert.Equal(k >= plan.PointOfNoReturn ? DeploymentResult.Succeeded : DeploymentResult.RolledBack, recovery.Outcome.Result);
            if (k < plan.PointOfNoReturn)
            {
                Assert.Contains("Failed to deploy configuration.", recovery.Outcome.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void CrashAtAnyStep_ResumesAndEndsOnTheNewConfiguration(int count, RollingUpdateType type, int? maxBatch, int? minInService)
    {
        var plan = RollingUpdatePlanner.Plan(Request(count, new RollingUpdateOptions { Enabled = true, Type = type, MaxBatchSize = maxBatch, MinInstancesInService = minInService }));
        for (var k = 0; k < plan.Steps.Count; k++)
        {
            var fleet = new FleetSimulator(plan.OriginalInstances);
            var state = DeploymentDriver.CrashAt(DeploymentState.Start(plan), fleet, k, plan.Steps[k].Instances.Count / 2);

            var (_, outcome) = DeploymentDriver.RunToEnd(state, fleet);

            Assert.Equal("Successfully deployed new configuration to environment.", outcome.Message);
            Assert.Equal([NewConfig], fleet.Configs);
            Assert.Equal(count, fleet.InService);
        }
    }

    [Fact]
    public void FromOptions_SettingMaxBatchSizeImpliesEnabled_AndComputesBeanstalkDefaults()
    {
        var options = RollingUpdateOptions.FromOptions(EffectiveOptions.Resolve([],
        [
            new("aws:autoscaling:updatepolicy:rollingupdate", "MaxBatchSize", "3"),
            new("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType", "Health"),
            new("aws:autoscaling:updatepolicy:rollingupdate", "Timeout", "PT10M"),
        ]));

        Assert.True(options.Enabled);
        Assert.Equal(RollingUpdateType.Health, options.Type);
        Assert.Equal(3, options.MaxBatchSize);
        Assert.Null(options.MinInstancesInService);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeout);
        Assert.Equal(3, options.EffectiveMinInstancesInService(minSize: 3, maxSize: 6));
        Assert.Equal(2, new RollingUpdateOptions().EffectiveMaxBatchSize(minSize: 4));
        Assert.False(RollingUpdateOptions.FromOptions(EffectiveOptions.Defaults).Enabled);
    }
}
