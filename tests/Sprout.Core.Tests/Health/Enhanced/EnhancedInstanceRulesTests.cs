using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using static Sprout.Core.Tests.Health.Enhanced.Observations;

namespace Sprout.Core.Tests.Health.Enhanced;

public sealed class EnhancedInstanceRulesTests
{
    [Fact]
    public void QuietInstance_IsOkGreenWithoutCauses()
    {
        var health = Judge(InService());

        Assert.Equal(HealthStatus.Ok, health.Status);
        Assert.Equal(HealthColor.Green, health.Color);
        Assert.Empty(health.Causes);
    }

    [Theory]
    [InlineData(99, HealthStatus.Ok)]
    [InlineData(100, HealthStatus.Warning)]
    [InlineData(999, HealthStatus.Warning)]
    [InlineData(1000, HealthStatus.Degraded)]
    [InlineData(2499, HealthStatus.Degraded)]
    [InlineData(2500, HealthStatus.Severe)]
    public void ApplicationRequests5xx_AtItsBoundaries(long failing, HealthStatus expected)
    {
        var health = Judge(InService() with { Requests = Requests(10000, status5xx: failing) });

        Assert.Equal(expected, health.Status);
        if (expected != HealthStatus.Ok)
        {
            Assert.Equal(HealthRuleNames.ApplicationRequests5xx, health.Findings[0].Rule);
        }
    }

    [Fact]
    public void ApplicationRequests5xx_CauseSaysHowManyFailOfHowMany()
    {
        var health = Judge(InService() with { Requests = Requests(100, status5xx: 12) });

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("12 % of the requests are failing with HTTP 5xx (12 of 100 in the last 10 seconds).", health.Causes[0]);
    }

    [Theory]
    [InlineData(999, HealthStatus.Ok)]
    [InlineData(1000, HealthStatus.Warning)]
    [InlineData(4999, HealthStatus.Warning)]
    [InlineData(5000, HealthStatus.Degraded)]
    [InlineData(8999, HealthStatus.Degraded)]
    [InlineData(9000, HealthStatus.Severe)]
    public void ApplicationRequests4xx_AtItsBoundaries(long erroring, HealthStatus expected) =>
        Assert.Equal(expected, Judge(InService() with { Requests = Requests(10000, status4xx: erroring) }).Status);

    [Fact]
    public void ApplicationRequests4xx_Disabled_IgnoresEvenAllRequestsErroring()
    {
        var options = EnhancedHealthOptions.Default with { ApplicationRequests4xx = EnhancedHealthOptions.Default.ApplicationRequests4xx with { Enabled = false } };

        Assert.Equal(HealthStatus.Ok, Judge(InService() with { Requests = Requests(100, status4xx: 100) }, options).Status);
    }

    [Theory]
    [InlineData(9, HealthStatus.Ok)]
    [InlineData(10, HealthStatus.Severe)]
    public void RequestRules_StaySilentBelowMinimumRequestCount(long total, HealthStatus expected) =>
        Assert.Equal(expected, Judge(InService() with { Requests = Requests(total, status5xx: total) }).Status);

    [Fact]
    public void ApplicationLatencyP99_IsOffByDefault() =>
        Assert.Equal(HealthStatus.Ok, Judge(InService() with { Requests = Requests(100, latency: LatencyWithP99(30)) }).Status);

    [Theory]
    [InlineData(0.999, HealthStatus.Ok)]
    [InlineData(1.0, HealthStatus.Warning)]
    [InlineData(2.999, HealthStatus.Warning)]
    [InlineData(3.0, HealthStatus.Degraded)]
    [InlineData(9.999, HealthStatus.Degraded)]
    [InlineData(10.0, HealthStatus.Severe)]
    public void ApplicationLatencyP99_WhenEnabled_AtItsBoundaries(double p99, HealthStatus expected)
    {
        var options = EnhancedHealthOptions.Default with { ApplicationLatencyP99 = EnhancedHealthOptions.Default.ApplicationLatencyP99 with { Enabled = true } };

        Assert.Equal(expected, Judge(InService() with { Requests = Requests(100, latency: LatencyWithP99(p99)) }, options).Status);
    }

    [Theory]
    [InlineData(89.99, HealthStatus.Ok)]
    [InlineData(90, HealthStatus.Warning)]
    [InlineData(94.99, HealthStatus.Warning)]
    [InlineData(95, HealthStatus.Degraded)]
    [InlineData(100, HealthStatus.Degraded)]
    public void CPUUtilization_AtItsBoundaries_NeverSevere(double inUse, HealthStatus expected) =>
        Assert.Equal(expected, Judge(InService() with { Cpu = CpuInUse(inUse) }).Status);

    [Fact]
    public void CPUUtilization_CauseNamesIOWait()
    {
        var health = Judge(InService() with { Cpu = CpuInUse(91, ioWait: 24) });

        Assert.Equal("91 % of CPU is in use. 24 % in I/O wait.", Assert.Single(health.Causes));
    }

    [Theory]
    [InlineData(0, HealthStatus.Ok)]
    [InlineData(1, HealthStatus.Warning)]
    [InlineData(2, HealthStatus.Warning)]
    [InlineData(3, HealthStatus.Degraded)]
    [InlineData(9, HealthStatus.Degraded)]
    public void HealthCheckFailures_AtItsBoundaries(int failures, HealthStatus expected) =>
        Assert.Equal(expected, Judge(InService() with { ConsecutiveHealthCheckFailures = failures, LastHealthCheckFailure = "connection refused" }).Status);

    [Fact]
    public void HealthCheckFailures_CauseSaysHowOftenAndWhy()
    {
        var once = Judge(InService() with { ConsecutiveHealthCheckFailures = 1, LastHealthCheckFailure = "connection refused" });
        var thrice = Judge(InService() with { ConsecutiveHealthCheckFailures = 3, LastHealthCheckFailure = "GET /health returned HTTP 500" });

        Assert.Equal("Instance i-1 failed its last health check: connection refused.", once.Causes[0]);
        Assert.Equal("Instance i-1 failed its health check 3 times in a row: GET /health returned HTTP 500.", thrice.Causes[0]);
    }

    [Fact]
    public void InstanceOutOfService_IsSevereWithTheLastFailure()
    {
        var health = Judge(InService() with { State = InstanceState.Unhealthy, ConsecutiveHealthCheckFailures = 5, LastHealthCheckFailure = "connection refused" });

        Assert.Equal(HealthStatus.Severe, health.Status);
        Assert.Equal(HealthColor.Red, health.Color);
        Assert.Equal("Instance i-1 failed its health check 5 times and is out of service: connection refused.", health.Causes[0]);
    }

    [Fact]
    public void InstanceDraining_IsInfo() =>
        Assert.Equal(HealthStatus.Info, Judge(InService() with { State = InstanceState.Draining }).Status);

    [Fact]
    public void InstanceLaunching_AtTheCommandTimeout_IsStillPending_AndIgnoresOtherRules()
    {
        var instance = new InstanceObservation("i-1", InstanceState.Pending, Now - TimeSpan.FromSeconds(840),
            Cpu: CpuInUse(100), ConsecutiveHealthCheckFailures: 4, LastHealthCheckFailure: "connection refused");

        var health = Judge(instance);

        Assert.Equal(HealthStatus.Pending, health.Status);
        Assert.Equal(HealthColor.Grey, health.Color);
        Assert.Equal("Performing initialization (running for 840 seconds). Last health check: connection refused.", Assert.Single(health.Causes));
    }

    [Fact]
    public void InstanceOperationTimedOut_OneSecondPastTheCommandTimeout_IsDegradedAndOtherRulesApply()
    {
        var instance = new InstanceObservation("i-1", InstanceState.Pending, Now - TimeSpan.FromSeconds(841), Cpu: CpuInUse(90));

        var health = Judge(instance);

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(HealthRuleNames.InstanceOperationTimedOut, health.Findings[0].Rule);
        Assert.Equal("Initialization has been running for 841 seconds, longer than the 840-second command timeout.", health.Causes[0]);
        Assert.Contains(health.Findings, f => f.Rule == HealthRuleNames.CPUUtilization);
    }

    [Fact]
    public void InstanceDeploying_IsPendingWithTheDeploymentDuration()
    {
        var instance = InService() with { Activity = InstanceActivity.Deploying, ActivityStartedAt = Now.AddSeconds(-31) };

        Assert.Equal("Performing application deployment (running for 31 seconds).", Assert.Single(Judge(instance).Causes));
    }

    [Theory]
    [InlineData(60, HealthStatus.Ok)]
    [InlineData(61, HealthStatus.NoData)]
    public void InstanceNoData_AfterSixtySecondsWithoutSystemMetrics(int secondsAgo, HealthStatus expected)
    {
        var health = Judge(InService() with { LastReportedAt = Now.AddSeconds(-secondsAgo) });

        Assert.Equal(expected, health.Status);
    }

    [Fact]
    public void InstanceNoData_NeverSampled_IsNotNoData() =>
        Assert.Equal(HealthStatus.Ok, Judge(InService() with { LastReportedAt = null }).Status);

    [Fact]
    public void IncorrectVersion_IsDegradedAndNamesBothVersions()
    {
        var health = Judge(InService() with { VersionLabel = "v2" }, expectedVersion: "v1");

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("Incorrect application version \"v2\". Expected version \"v1\".", health.Causes[0]);
        Assert.Equal(HealthStatus.Ok, Judge(InService() with { VersionLabel = "v1" }, expectedVersion: "v1").Status);
    }

    [Fact]
    public void Findings_AreOrderedWorstFirst()
    {
        var health = Judge(InService() with
        {
            Cpu = CpuInUse(92),
            Requests = Requests(100, status5xx: 30),
            ConsecutiveHealthCheckFailures = 1,
            LastHealthCheckFailure = "timeout",
        });

        Assert.Equal(HealthStatus.Severe, health.Status);
        Assert.Equal(HealthRuleNames.ApplicationRequests5xx, health.Findings[0].Rule);
        Assert.All(health.Findings.Skip(1), f => Assert.Equal(HealthStatus.Warning, f.Status));
    }
}
