using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class OptionValidatorTests
{
    private static OptionSetting S(string ns, string name, string value, string? resource = null) => new(ns, name, value, resource);

    private static string SingleMessage(params OptionSetting[] settings) => Assert.Single(OptionValidator.Validate(settings)).Message;

    [Fact]
    public void Validate_ValidSettings_NoErrors() =>
        Assert.Empty(OptionValidator.Validate(
        [
            S("aws:autoscaling:asg", "MinSize", "2"),
            S("aws:autoscaling:asg", "MaxSize", "6"),
            S("aws:elasticbeanstalk:command", "DeploymentPolicy", "Rolling"),
            S("aws:elasticbeanstalk:command", "IgnoreHealthCheck", "true"),
            S("aws:elasticbeanstalk:environment", "EnvironmentType", "SingleInstance"),
            S("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument", """{"Version":1,"Rules":{}}"""),
            S("aws:elasticbeanstalk:environment:process:default", "MatcherHTTPCode", "200-299,302"),
            S("aws:elasticbeanstalk:application", "Application Healthcheck URL", "HTTP:80/health"),
            S("aws:autoscaling:updatepolicy:rollingupdate", "PauseTime", "PT1M30S"),
            S("aws:elbv2:listener:443", "Protocol", "HTTPS"),
            S("aws:elasticbeanstalk:application:environment", "DB_HOST", "db.internal:5432"),
        ]));

    [Fact]
    public void Validate_BelowMinimum_NamesOption() =>
        Assert.Equal("aws:autoscaling:asg MinSize: '0' is below the minimum 1.", SingleMessage(S("aws:autoscaling:asg", "MinSize", "0")));

    [Fact]
    public void Validate_AboveMaximum_NamesOption() =>
        Assert.Equal("aws:elasticbeanstalk:command Timeout: '3601' is above the maximum 3600.", SingleMessage(S("aws:elasticbeanstalk:command", "Timeout", "3601")));

    [Fact]
    public void Validate_NotAnInteger() =>
        Assert.Equal("aws:autoscaling:asg Cooldown: 'soon' is not an integer.", SingleMessage(S("aws:autoscaling:asg", "Cooldown", "soon")));

    [Fact]
    public void Validate_NotABoolean() =>
        Assert.Equal(
            "aws:elasticbeanstalk:command IgnoreHealthCheck: 'yes' is not a boolean (true or false).",
            SingleMessage(S("aws:elasticbeanstalk:command", "IgnoreHealthCheck", "yes")));

    [Fact]
    public void Validate_EnumNearMiss_SuggestsValue() =>
        Assert.Equal(
            "aws:elasticbeanstalk:command DeploymentPolicy: 'rolling' is not one of AllAtOnce, Rolling, RollingWithAdditionalBatch, Immutable, TrafficSplitting (did you mean Rolling?).",
            SingleMessage(S("aws:elasticbeanstalk:command", "DeploymentPolicy", "rolling")));

    [Fact]
    public void Validate_EnumFarOff_ListsValues() =>
        Assert.Equal(
            "aws:elasticbeanstalk:environment LoadBalancerType: 'gateway' is not one of classic, application, network.",
            SingleMessage(S("aws:elasticbeanstalk:environment", "LoadBalancerType", "gateway")));

    [Fact]
    public void Validate_BadJson() =>
        Assert.StartsWith(
            "aws:elasticbeanstalk:healthreporting:system ConfigDocument: the value is not valid JSON",
            SingleMessage(S("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument", "{Rules:")));

    [Fact]
    public void Validate_ListItemsCheckedAgainstAllowed() =>
        Assert.Contains("'Any 4' is not one of", SingleMessage(S("aws:autoscaling:asg", "Availability Zones", "Any 4")));

    [Fact]
    public void Validate_UnknownOption_SuggestsNearMiss() =>
        Assert.Equal(
            "Unknown option 'MinSzie' in namespace aws:autoscaling:asg (did you mean MinSize?).",
            SingleMessage(S("aws:autoscaling:asg", "MinSzie", "2")));

    [Fact]
    public void Validate_UnknownOption_NoSuggestionWhenFar() =>
        Assert.Equal(
            "Unknown option 'Capacity' in namespace aws:autoscaling:asg.",
            SingleMessage(S("aws:autoscaling:asg", "Capacity", "2")));

    [Fact]
    public void Validate_UnknownNamespace_SuggestsNearMiss() =>
        Assert.Equal(
            "Unknown namespace 'aws:autoscalling:asg' for option MinSize (did you mean aws:autoscaling:asg?).",
            SingleMessage(S("aws:autoscalling:asg", "MinSize", "2")));

    [Fact]
    public void Validate_UnknownNamespace_NoSuggestionWhenFar() =>
        Assert.Equal("Unknown namespace 'sprout:custom' for option X.", SingleMessage(S("sprout:custom", "X", "1")));

    [Fact]
    public void Validate_ReportsAllProblemsAtOnce()
    {
        var errors = OptionValidator.Validate(
        [
            S("aws:autoscaling:asg", "MinSize", "0"),
            S("aws:elasticbeanstalk:command", "Timeout", "abc"),
            S("aws:autoscaling:asg", "MinSzie", "1"),
        ]);
        Assert.Equal(3, errors.Count);
        Assert.Equal(new OptionKey("aws:autoscaling:asg", "MinSize"), errors[0].Key);
        Assert.Equal(new OptionKey("aws:elasticbeanstalk:command", "Timeout"), errors[1].Key);
        Assert.Equal(new OptionKey("aws:autoscaling:asg", "MinSzie"), errors[2].Key);
    }

    [Fact]
    public void Validate_MinSizeAboveMaxSize() =>
        Assert.Equal(
            "aws:autoscaling:asg MinSize: MinSize 5 is greater than MaxSize 3.",
            SingleMessage(S("aws:autoscaling:asg", "MinSize", "5"), S("aws:autoscaling:asg", "MaxSize", "3")));

    [Fact]
    public void Validate_MinSizeAboveDefaultMaxSize_UsesEffectiveSet() =>
        Assert.Equal(
            "aws:autoscaling:asg MinSize: MinSize 5 is greater than MaxSize 4.",
            SingleMessage(S("aws:autoscaling:asg", "MinSize", "5")));

    [Fact]
    public void Validate_LaterSettingOverridesForCrossRules() =>
        Assert.Empty(OptionValidator.Validate(
        [
            S("aws:autoscaling:asg", "MinSize", "5"),
            S("aws:autoscaling:asg", "MaxSize", "3"),
            S("aws:autoscaling:asg", "MaxSize", "8"),
        ]));

    [Fact]
    public void Validate_PercentageBatchSizeAbove100() =>
        Assert.Equal(
            "aws:elasticbeanstalk:command BatchSize: '150' is above the maximum 100 for BatchSizeType Percentage.",
            SingleMessage(S("aws:elasticbeanstalk:command", "BatchSize", "150")));

    [Fact]
    public void Validate_FixedBatchSizeAbove100_IsFine() =>
        Assert.Empty(OptionValidator.Validate(
        [
            S("aws:elasticbeanstalk:command", "BatchSizeType", "Fixed"),
            S("aws:elasticbeanstalk:command", "BatchSize", "150"),
        ]));

    [Fact]
    public void Validate_FixedBatchSizeAbove10000() =>
        Assert.Contains(
            "'10001' is above the maximum 10000",
            SingleMessage(S("aws:elasticbeanstalk:command", "BatchSizeType", "Fixed"), S("aws:elasticbeanstalk:command", "BatchSize", "10001")));

    [Theory]
    [InlineData("/health")]
    [InlineData("HTTP:80/health")]
    [InlineData("HTTPS:443/health")]
    [InlineData("TCP:80")]
    public void Validate_HealthCheckUrlForms_Accepted(string url) =>
        Assert.Empty(OptionValidator.Validate([S("aws:elasticbeanstalk:application", "Application Healthcheck URL", url)]));

    [Theory]
    [InlineData("health")]
    [InlineData("FTP:21/x")]
    [InlineData("HTTP:99999/x")]
    public void Validate_HealthCheckUrlMalformed_Rejected(string url) =>
        Assert.StartsWith(
            "aws:elasticbeanstalk:application Application Healthcheck URL: ",
            SingleMessage(S("aws:elasticbeanstalk:application", "Application Healthcheck URL", url)));

    [Theory]
    [InlineData("199")]
    [InlineData("200-500")]
    [InlineData("300-200")]
    [InlineData("ok")]
    public void Validate_MatcherOutOfRange_Rejected(string codes) =>
        Assert.StartsWith(
            "aws:elasticbeanstalk:environment:process:default MatcherHTTPCode: ",
            SingleMessage(S("aws:elasticbeanstalk:environment:process:default", "MatcherHTTPCode", codes)));

    [Fact]
    public void Validate_HealthCheckPathWithoutSlash() =>
        Assert.Equal(
            "aws:elasticbeanstalk:environment:process:api HealthCheckPath: 'health' is not a path; it must start with '/'.",
            SingleMessage(S("aws:elasticbeanstalk:environment:process:api", "HealthCheckPath", "health")));

    [Theory]
    [InlineData("PT2H")]
    [InlineData("five minutes")]
    public void Validate_RollingUpdatePauseTime_Rejected(string value) =>
        Assert.StartsWith(
            "aws:autoscaling:updatepolicy:rollingupdate PauseTime: ",
            SingleMessage(S("aws:autoscaling:updatepolicy:rollingupdate", "PauseTime", value)));

    [Fact]
    public void Validate_ScheduledAction_NeedsResourceName() =>
        Assert.Contains("need a resource name", SingleMessage(S("aws:autoscaling:scheduledaction", "MinSize", "1")));

    [Fact]
    public void Validate_ScheduledAction_ValidWithResource() =>
        Assert.Empty(OptionValidator.Validate(
        [
            S("aws:autoscaling:scheduledaction", "MinSize", "0", "Night"),
            S("aws:autoscaling:scheduledaction", "MaxSize", "1", "Night"),
            S("aws:autoscaling:scheduledaction", "Recurrence", "0 22 * * *", "Night"),
            S("aws:autoscaling:scheduledaction", "StartTime", "2026-01-01T00:00:00Z", "Night"),
        ]));

    [Fact]
    public void Validate_ScheduledAction_MessageNamesResource() =>
        Assert.Equal(
            "Night.aws:autoscaling:scheduledaction Recurrence: 'nightly' is not a cron expression with five fields.",
            SingleMessage(S("aws:autoscaling:scheduledaction", "Recurrence", "nightly", "Night")));

    [Fact]
    public void Validate_ScheduledAction_MinAboveMax() =>
        Assert.Equal(
            "Night.aws:autoscaling:scheduledaction MinSize: MinSize 3 is greater than MaxSize 1.",
            SingleMessage(S("aws:autoscaling:scheduledaction", "MinSize", "3", "Night"), S("aws:autoscaling:scheduledaction", "MaxSize", "1", "Night")));
}
