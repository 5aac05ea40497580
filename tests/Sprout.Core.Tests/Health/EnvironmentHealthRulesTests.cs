using Sprout.Core.Health;
using Sprout.Core.Model;

namespace Sprout.Core.Tests.Health;

public sealed class EnvironmentHealthRulesTests
{
    private static InstanceHealthView InService(string id) => new(id, InstanceState.InService, null);

    private static InstanceHealthView Pending(string id, string? cause = null) => new(id, InstanceState.Pending, cause);

    [Fact]
    public void AllInService_IsGreenOk()
    {
        var health = EnvironmentHealthRules.Evaluate(EnvironmentStatus.Ready, 2, [InService("i-1"), InService("i-2")]);

        Assert.Equal(HealthColor.Green, health.Color);
        Assert.Equal("Ok", health.Status);
        Assert.Empty(health.Causes);
    }

    [Fact]
    public void NoneInService_OutsideAnOperation_IsRedSevereWithInstanceCauses()
    {
        var health = EnvironmentHealthRules.Evaluate(EnvironmentStatus.Ready, 1, [Pending("i-1", "GET / returned HTTP 500")]);

        Assert.Equal(HealthColor.Red, health.Color);
        Assert.Equal("Severe", health.Status);
        Assert.Contains(health.Causes, c => c.Contains("i-1", StringComparison.Ordinal) && c.Contains("HTTP 500", StringComparison.Ordinal));
    }

    [Fact]
    public void NoneInService_DuringLaunch_IsGreyPending()
    {
        var health = EnvironmentHealthRules.Evaluate(EnvironmentStatus.Launching, 2, [Pending("i-1"), Pending("i-2")]);

        Assert.Equal(HealthColor.Grey, health.Color);
        Assert.Equal("Pending", health.Status);
    }

    [Fact]
    public void SomeInService_DuringAnUpdate_IsGreenInfo()
    {
        var health = EnvironmentHealthRules.Evaluate(EnvironmentStatus.Updating, 2, [InService("i-1"), Pending("i-2")]);

        Assert.Equal(HealthColor.Green, health.Color);
        Assert.Equal("Info", health.Status);
    }

    [Theory]
    [InlineData(4, 2, HealthColor.Yellow, "Warning")]
    [InlineData(4, 3, HealthColor.Yellow, "Warning")]
    [InlineData(4, 1, HealthColor.Red, "Degraded")]
    [InlineData(3, 1, HealthColor.Red, "Degraded")]
    public void SomeInService_AtTheHalfBoundary(int desired, int inService, HealthColor color, string status)
    {
        var instances = Enumerable.Range(0, desired)
            .Select(i => i < inService ? InService($"i-{i}") : Pending($"i-{i}", "connection refused"))
            .ToList();

        var health = EnvironmentHealthRules.Evaluate(EnvironmentStatus.Ready, desired, instances);

        Assert.Equal(color, health.Color);
        Assert.Equal(status, health.Status);
        Assert.StartsWith($"{inService} of {desired}", health.Causes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void FewerInstancesThanWanted_IsNotGreen()
    {
        var health = EnvironmentHealthRules.Evaluate(EnvironmentStatus.Ready, 3, [InService("i-1"), InService("i-2")]);

        Assert.Equal(HealthColor.Yellow, health.Color);
    }

    [Fact]
    public void TerminatedEnvironment_IsGreySuspended()
    {
        Assert.Equal(HealthColor.Grey, EnvironmentHealthRules.Evaluate(EnvironmentStatus.Terminated, 1, []).Color);
    }
}
