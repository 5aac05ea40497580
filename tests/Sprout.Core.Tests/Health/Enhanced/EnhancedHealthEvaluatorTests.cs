using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using static Sprout.Core.Tests.Health.Enhanced.Observations;

namespace Sprout.Core.Tests.Health.Enhanced;

public sealed class EnhancedHealthEvaluatorTests
{
    private static InstanceObservation Degraded(string id) => InService(id) with { ConsecutiveHealthCheckFailures = 3, LastHealthCheckFailure = "connection refused" };

    private static InstanceObservation Warning(string id) => InService(id) with { ConsecutiveHealthCheckFailures = 1, LastHealthCheckFailure = "timeout" };

    [Fact]
    public void AllInstancesOk_IsOkGreen()
    {
        var health = Judge(Ready(InService("i-1"), InService("i-2")));

        Assert.Equal(HealthStatus.Ok, health.Status);
        Assert.Equal(HealthColor.Green, health.Color);
        Assert.Equal(new InstanceHealthCounts(0, 0, 0, 2, 0, 0, 0, 0), health.InstanceCounts);
    }

    [Theory]
    [InlineData(EnvironmentStatus.Terminating)]
    [InlineData(EnvironmentStatus.Terminated)]
    public void EnvironmentSuspended_WhileTerminating(EnvironmentStatus status)
    {
        var health = Judge(Ready(Degraded("i-1")) with { Status = status });

        Assert.Equal(HealthStatus.Suspended, health.Status);
        Assert.Equal(HealthColor.Grey, health.Color);
    }

    [Fact]
    public void OperationInProgress_NothingInService_IsPendingGrey()
    {
        var launching = new InstanceObservation("i-1", InstanceState.Pending, Now.AddSeconds(-12));
        var health = Judge(Ready(launching) with { Status = EnvironmentStatus.Launching, OperationStartedAt = Now.AddSeconds(-20) });

        Assert.Equal(HealthStatus.Pending, health.Status);
        Assert.Equal(HealthColor.Grey, health.Color);
        Assert.Equal("Launching the environment (running for 20 seconds): 0 of 1 instances in service. Command is executing on 1 out of 1 instances.", health.Causes[0]);
    }

    [Fact]
    public void OperationInProgress_SomeInService_IsInfoGreen()
    {
        var deploying = InService("i-2") with { Activity = InstanceActivity.Deploying, ActivityStartedAt = Now.AddSeconds(-5) };
        var health = Judge(Ready(InService("i-1"), deploying) with { Status = EnvironmentStatus.Updating });

        Assert.Equal(HealthStatus.Info, health.Status);
        Assert.Contains("Command is executing on 1 out of 2 instances.", health.Causes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void OperationInProgress_FailingRequestsStillCount()
    {
        var health = Judge(Ready(InService("i-1") with { Requests = Requests(100, status5xx: 100) }) with { Status = EnvironmentStatus.Updating });

        Assert.Equal(HealthStatus.Severe, health.Status);
    }

    [Fact]
    public void NoInstances_WhenSomeAreWanted_IsSevere()
    {
        var health = Judge(Ready() with { DesiredCapacity = 2 });

        Assert.Equal(HealthStatus.Severe, health.Status);
        Assert.Equal("No instances are running; 2 instances wanted.", health.Causes[0]);
    }

    [Fact]
    public void NoneInService_OutsideAnOperation_IsSevereAndNamesTheInstances()
    {
        var unhealthy = InService("i-1") with { State = InstanceState.Unhealthy, ConsecutiveHealthCheckFailures = 5, LastHealthCheckFailure = "connection refused" };
        var health = Judge(Ready(unhealthy));

        Assert.Equal(HealthStatus.Severe, health.Status);
        Assert.Equal("None of the 1 instance are in service.", health.Causes[0]);
        Assert.Contains(health.Causes, c => c.Contains("i-1", StringComparison.Ordinal) && c.Contains("connection refused", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, HealthStatus.Degraded)]
    [InlineData(3, HealthStatus.Ok)]
    public void BelowMinimumSize_AtItsBoundary(int inService, HealthStatus expected)
    {
        var instances = Enumerable.Range(1, inService).Select(i => InService($"i-{i}")).ToArray();
        var health = Judge(Ready(instances) with { MinSize = 3, DesiredCapacity = 3 });

        Assert.Equal(expected, health.Status);
        if (expected == HealthStatus.Degraded)
        {
            Assert.Equal("2 active instances is below Auto Scaling group minimum size 3.", health.Causes[0]);
        }
    }

    [Theory]
    [InlineData(2, HealthStatus.Warning)]
    [InlineData(3, HealthStatus.Ok)]
    public void BelowDesiredCapacity_AtItsBoundary(int inService, HealthStatus expected)
    {
        var instances = Enumerable.Range(1, inService).Select(i => InService($"i-{i}")).ToArray();

        Assert.Equal(expected, Judge(Ready(instances) with { MinSize = 1, DesiredCapacity = 3 }).Status);
    }

    [Fact]
    public void InstancesImpaired_OneWarningOfFour_IsWarningWithTheInstanceCause()
    {
        var health = Judge(Ready(Warning("i-1"), InService("i-2"), InService("i-3"), InService("i-4")));

        Assert.Equal(HealthStatus.Warning, health.Status);
        Assert.Equal("Impaired services on 1 out of 4 instances. i-1 (Warning): Instance i-1 failed its last health check: timeout.", health.Causes[0]);
    }

    [Theory]
    [InlineData(1, HealthStatus.Warning)]
    [InlineData(2, HealthStatus.Degraded)]
    [InlineData(3, HealthStatus.Degraded)]
    [InlineData(4, HealthStatus.Degraded)]
    public void InstancesImpaired_ShareOfDegradedInstances_AtItsBoundaries(int degraded, HealthStatus expected)
    {
        var instances = Enumerable.Range(1, 4).Select(i => i <= degraded ? Degraded($"i-{i}") : InService($"i-{i}")).ToArray();

        var health = Judge(Ready(instances));

        Assert.Equal(expected, health.Status);
        Assert.Equal(HealthRuleNames.InstancesImpaired, health.Findings[0].Rule);
    }

    [Fact]
    public void InstancesImpaired_AllSevere_IsSevere()
    {
        static InstanceObservation Failing(string id) => InService(id) with { Requests = Requests(100, status5xx: 50) };

        Assert.Equal(HealthStatus.Severe, Judge(Ready(Failing("i-1"), Failing("i-2"))).Status);
        Assert.Equal(HealthStatus.Degraded, Judge(Ready(Failing("i-1"), Degraded("i-2"))).Findings.Single(f => f.Rule == HealthRuleNames.InstancesImpaired).Status);
    }

    [Fact]
    public void InstancesSendingNoData_WhenNoneReport_IsSevere()
    {
        var stale = Now.AddMinutes(-5);
        var health = Judge(Ready(InService("i-1") with { LastReportedAt = stale }, InService("i-2") with { LastReportedAt = stale }));

        Assert.Equal(HealthStatus.Severe, health.Status);
        Assert.Equal("None of the instances are sending data.", health.Causes[0]);
        Assert.Equal(2, health.InstanceCounts.NoData);
    }

    [Fact]
    public void EnvironmentRequests_TotalTheInstances()
    {
        // 8 % on one instance (Warning) and 16 % on the other (Degraded) make 12 % overall (Degraded).
        var health = Judge(Ready(
            InService("i-1") with { Requests = Requests(100, status5xx: 8) },
            InService("i-2") with { Requests = Requests(100, status5xx: 16) }));

        Assert.Equal(200, health.Requests!.RequestCount);
        Assert.Contains("12 % of the requests are failing with HTTP 5xx (24 of 200 in the last 10 seconds).", health.Causes);
    }

    [Fact]
    public void EnvironmentRequests_GivenExplicitly_WinOverTheInstanceTotal()
    {
        var health = Judge(Ready(InService("i-1") with { Requests = Requests(100, status5xx: 50) }) with { Requests = Requests(1000) });

        Assert.Equal(1000, health.Requests!.RequestCount);
        Assert.DoesNotContain(health.Findings, f => f.Rule == HealthRuleNames.ApplicationRequests5xx && f.Cause.Contains("of 1000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(99, HealthStatus.Ok)]
    [InlineData(100, HealthStatus.Warning)]
    [InlineData(1000, HealthStatus.Degraded)]
    [InlineData(2500, HealthStatus.Severe)]
    public void ELBRequests5xx_AtItsBoundaries(long generated, HealthStatus expected)
    {
        var health = Judge(Ready(InService()) with { LoadBalancer = new LoadBalancerMetrics(Window, 10000, 0, generated) });

        Assert.Equal(expected, health.Status);
    }

    [Theory]
    [InlineData(999, HealthStatus.Ok)]
    [InlineData(1000, HealthStatus.Warning)]
    [InlineData(5000, HealthStatus.Degraded)]
    [InlineData(9000, HealthStatus.Severe)]
    public void ELBRequests4xx_AtItsBoundaries(long generated, HealthStatus expected) =>
        Assert.Equal(expected, Judge(Ready(InService()) with { LoadBalancer = new LoadBalancerMetrics(Window, 10000, generated, 0) }).Status);

    [Fact]
    public void ELBRequests5xx_CauseSaysTheRouterAnswered()
    {
        var health = Judge(Ready(InService()) with { LoadBalancer = new LoadBalancerMetrics(Window, 100, 0, 3) });

        Assert.Equal("3 % of the requests to the router are failing with HTTP 5xx that no instance answered (3 of 100 in the last 10 seconds).", health.Causes[0]);
    }

    [Fact]
    public void IncorrectVersion_IsCheckedOnlyOutsideOperations()
    {
        var instance = InService("i-1") with { VersionLabel = "v2" };

        Assert.Equal(HealthStatus.Degraded, Judge(Ready(instance) with { ExpectedVersionLabel = "v1" }).Instances[0].Status);
        Assert.Equal(HealthStatus.Ok, Judge(Ready(instance) with { ExpectedVersionLabel = "v1", Status = EnvironmentStatus.Updating }).Instances[0].Status);
    }

    [Fact]
    public void TerminatedInstances_AreLeftOut()
    {
        var health = Judge(Ready(InService("i-1"), InService("i-2") with { State = InstanceState.Terminated }) with { DesiredCapacity = 1 });

        Assert.Single(health.Instances);
        Assert.Equal(HealthStatus.Ok, health.Status);
    }

    [Fact]
    public void ToEnvironmentHealth_KeepsColourStatusAndCauses()
    {
        var health = Judge(Ready(Warning("i-1"), InService("i-2"))).ToEnvironmentHealth();

        Assert.Equal(HealthColor.Yellow, health.Color);
        Assert.Equal("Warning", health.Status);
        Assert.NotEmpty(health.Causes);
    }

    [Theory]
    [InlineData(HealthStatus.Ok, HealthColor.Green)]
    [InlineData(HealthStatus.Info, HealthColor.Green)]
    [InlineData(HealthStatus.Warning, HealthColor.Yellow)]
    [InlineData(HealthStatus.Degraded, HealthColor.Red)]
    [InlineData(HealthStatus.Severe, HealthColor.Red)]
    [InlineData(HealthStatus.Pending, HealthColor.Grey)]
    [InlineData(HealthStatus.Unknown, HealthColor.Grey)]
    [InlineData(HealthStatus.NoData, HealthColor.Grey)]
    [InlineData(HealthStatus.Suspended, HealthColor.Grey)]
    public void EveryStatus_HasBeanstalksColour(HealthStatus status, HealthColor color) =>
        Assert.Equal(color, HealthStatuses.ColorOf(status));
}
