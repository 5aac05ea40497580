using Sprout.Core.Deployments;
using Sprout.Core.Model;

namespace Sprout.Core.Tests.Deployments;

public sealed class ConfigurationChangeTests
{
    private const string Launch = "aws:autoscaling:launchconfiguration";
    private const string Properties = "aws:elasticbeanstalk:application:environment";
    private const string Process = "aws:elasticbeanstalk:environment:process:default";

    [Fact]
    public void LaunchConfigurationChange_NeedsNewInstancesAndNamesTheOption()
    {
        var change = ConfigurationChange.Between(
            [new(Launch, "InstanceType", "t3.micro")],
            [new(Launch, "InstanceType", "t3.large")]);

        Assert.True(change.NeedsReplacement);
        Assert.Equal([new OptionKey(Launch, "InstanceType")], change.ReplacementCauses);
        Assert.False(change.RestartsApplication);
        Assert.Equal("aws:autoscaling:launchconfiguration:InstanceType needs new instances.", change.Describe());
    }

    [Theory]
    [InlineData("aws:ec2:vpc", "Subnets")]
    [InlineData("aws:ec2:instances", "EnableSpot")]
    [InlineData(Launch, "EC2KeyName")]
    public void SettingALaunchOptionForTheFirstTime_NeedsNewInstances(string ns, string name)
    {
        var change = ConfigurationChange.Between([], [new(ns, name, "x")]);

        Assert.True(change.NeedsReplacement);
        Assert.Equal([new OptionKey(ns, name)], change.ReplacementCauses);
    }

    [Fact]
    public void RemovingALaunchOption_NeedsNewInstances()
    {
        var change = ConfigurationChange.Between([new(Launch, "ImageId", "ami-1")], []);

        Assert.True(change.NeedsReplacement);
    }

    [Fact]
    public void EnvironmentProperties_RestartTheApplicationInPlace()
    {
        var change = ConfigurationChange.Between([new(Properties, "GREETING", "hi")], [new(Properties, "GREETING", "hello")]);

        Assert.False(change.NeedsReplacement);
        Assert.True(change.RestartsApplication);
    }

    [Fact]
    public void HealthCapacityAndPolicyOptions_ApplyLive()
    {
        var change = ConfigurationChange.Between(
            [new(Process, "HealthCheckPath", "/")],
            [
                new(Process, "HealthCheckPath", "/health"),
                new("aws:autoscaling:asg", "MaxSize", "8"),
                new("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType", "Health"),
            ]);

        Assert.False(change.NeedsReplacement);
        Assert.False(change.RestartsApplication);
    }

    [Fact]
    public void SettingTheSameValuesAgain_ChangesNothing()
    {
        IReadOnlyList<OptionSetting> settings = [new(Launch, "InstanceType", "t3.micro"), new(Properties, "A", "1")];

        var change = ConfigurationChange.Between(settings, [.. settings.Reverse()]);

        Assert.False(change.NeedsReplacement);
        Assert.False(change.RestartsApplication);
    }

    [Fact]
    public void UnchangedLaunchOption_IsNotACause()
    {
        var change = ConfigurationChange.Between(
            [new(Launch, "InstanceType", "t3.micro"), new(Properties, "A", "1")],
            [new(Launch, "InstanceType", "t3.micro"), new(Properties, "A", "2")]);

        Assert.False(change.NeedsReplacement);
        Assert.Empty(change.ReplacementCauses);
    }

    [Fact]
    public void AddingInstanceTypes_KeepsInstances_RemovingOne_ReplacesThem()
    {
        var added = ConfigurationChange.Between([new("aws:ec2:instances", "InstanceTypes", "t3.micro")], [new("aws:ec2:instances", "InstanceTypes", "t3.micro, t3.small")]);
        var removed = ConfigurationChange.Between([new("aws:ec2:instances", "InstanceTypes", "t3.micro,t3.small")], [new("aws:ec2:instances", "InstanceTypes", "t3.small")]);

        Assert.False(added.NeedsReplacement);
        Assert.True(removed.NeedsReplacement);
    }

    [Fact]
    public void ChangeOfLaunchOptionsAndProperties_ReplacesAndReportsBoth()
    {
        var change = ConfigurationChange.Between(
            [new(Launch, "InstanceType", "t3.micro")],
            [new(Launch, "InstanceType", "t3.large"), new(Properties, "GREETING", "hello")]);

        Assert.True(change.NeedsReplacement);
        Assert.True(change.RestartsApplication);
    }

    [Fact]
    public void HealthTimeout_IsTheShorterOfRollingTimeoutAndCommandTimeout_ForHealthType()
    {
        var health = new RollingUpdateOptions { Enabled = true, Type = RollingUpdateType.Health, Timeout = TimeSpan.FromMinutes(5) };

        Assert.Equal(TimeSpan.FromSeconds(4), RollingUpdatePlanner.HealthTimeout(health, TimeSpan.FromSeconds(4)));
        Assert.Equal(TimeSpan.FromMinutes(5), RollingUpdatePlanner.HealthTimeout(health, TimeSpan.FromMinutes(10)));
        Assert.Equal(TimeSpan.FromMinutes(10), RollingUpdatePlanner.HealthTimeout(health with { Type = RollingUpdateType.Time }, TimeSpan.FromMinutes(10)));
    }
}
