using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class OptionCatalogueTests
{
    [Theory]
    [InlineData("aws:autoscaling:asg", "MinSize", "1")]
    [InlineData("aws:autoscaling:asg", "MaxSize", "4")]
    [InlineData("aws:autoscaling:asg", "Cooldown", "360")]
    [InlineData("aws:elasticbeanstalk:command", "DeploymentPolicy", "AllAtOnce")]
    [InlineData("aws:elasticbeanstalk:command", "BatchSizeType", "Percentage")]
    [InlineData("aws:elasticbeanstalk:command", "BatchSize", "100")]
    [InlineData("aws:elasticbeanstalk:command", "Timeout", "600")]
    [InlineData("aws:elasticbeanstalk:environment:process:default", "DeregistrationDelay", "20")]
    [InlineData("aws:elasticbeanstalk:environment:process:default", "MatcherHTTPCode", "200")]
    [InlineData("aws:elasticbeanstalk:environment:process:default", "StickinessLBCookieDuration", "86400")]
    [InlineData("aws:elasticbeanstalk:application", "Application Healthcheck URL", "/")]
    [InlineData("aws:elb:healthcheck", "Interval", "10")]
    [InlineData("aws:autoscaling:trigger", "UpperThreshold", "6000000")]
    [InlineData("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType", "Time")]
    public void DefaultValue_KnownOption_IsBeanstalks(string ns, string name, string expected) =>
        Assert.Equal(expected, OptionCatalogue.DefaultValue(ns, name));

    [Fact]
    public void TryGet_MinSize_HasRangeAndType()
    {
        Assert.True(OptionCatalogue.TryGet("aws:autoscaling:asg", "MinSize", out var definition));
        Assert.Equal(OptionType.Integer, definition.Type);
        Assert.Equal(1, definition.Min);
        Assert.Equal(10000, definition.Max);
    }

    [Fact]
    public void TryGet_OptionNamesAreCaseSensitive()
    {
        Assert.False(OptionCatalogue.TryGet("aws:autoscaling:asg", "minsize", out _));
        Assert.False(OptionCatalogue.TryGet("AWS:AUTOSCALING:ASG", "MinSize", out _));
    }

    [Fact]
    public void TryGet_NamedProcess_SharesDefaultProcessOptions()
    {
        Assert.True(OptionCatalogue.TryGet("aws:elasticbeanstalk:environment:process:api", "HealthCheckPath", out var definition));
        Assert.Equal("/", definition.DefaultValue);
    }

    [Fact]
    public void Catalogue_HasNoDuplicateOptions() =>
        Assert.Equal(
            OptionCatalogue.Definitions.Count,
            OptionCatalogue.Definitions.Select(d => (d.Namespace, d.Name)).Distinct().Count());

    [Fact]
    public void Catalogue_DefaultsPassTheirOwnValidation()
    {
        var defaults = OptionCatalogue.Definitions
            .Where(d => d.DefaultValue is not null)
            .Select(d => new Sprout.Core.Model.OptionSetting(d.Namespace, d.Name, d.DefaultValue!,
                OptionCatalogue.RequiresResourceName(d.Namespace) ? "Action" : null));
        Assert.Empty(OptionValidator.Validate(defaults));
    }

    [Theory]
    [InlineData("aws:elasticbeanstalk:application:environment", true)]
    [InlineData("aws:elbv2:listener:443", true)]
    [InlineData("aws:ec2:instances", true)]
    [InlineData("aws:elasticbeanstalk:environment:process:worker", true)]
    [InlineData("aws:autoscalling:asg", false)]
    public void IsKnownNamespace(string ns, bool expected) => Assert.Equal(expected, OptionCatalogue.IsKnownNamespace(ns));

    [Theory]
    [InlineData("aws:autoscalling:asg", "aws:autoscaling:asg")]
    [InlineData("aws:elasticbeanstalk:comand", "aws:elasticbeanstalk:command")]
    [InlineData("aws:something:else", null)]
    public void SuggestNamespace_WithinTwoEdits(string ns, string? expected) =>
        Assert.Equal(expected, OptionCatalogue.SuggestNamespace(ns));

    [Theory]
    [InlineData("MinSzie", "MinSize")]
    [InlineData("minsize", "MinSize")]
    [InlineData("MaxSiz", "MaxSize")]
    [InlineData("Capacity", null)]
    public void SuggestOption_WithinTwoEdits(string name, string? expected) =>
        Assert.Equal(expected, OptionCatalogue.SuggestOption("aws:autoscaling:asg", name));
}
