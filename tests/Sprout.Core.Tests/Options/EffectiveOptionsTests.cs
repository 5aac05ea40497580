using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class EffectiveOptionsTests
{
    private const string Asg = "aws:autoscaling:asg";
    private const string Process = "aws:elasticbeanstalk:environment:process:default";
    private const string App = "aws:elasticbeanstalk:application";
    private const string Props = "aws:elasticbeanstalk:application:environment";

    private static OptionSetting S(string ns, string name, string value) => new(ns, name, value);

    [Fact]
    public void Resolve_EnvironmentBeatsBundleBeatsDefault()
    {
        var options = EffectiveOptions.Resolve(
            bundle: [S(Asg, "MinSize", "2"), S(Asg, "MaxSize", "8")],
            environment: [S(Asg, "MinSize", "3")]);

        Assert.Equal("3", options.Get(Asg, "MinSize"));
        Assert.Equal(OptionSources.Environment, options.GetSource(Asg, "MinSize"));
        Assert.Equal("8", options.Get(Asg, "MaxSize"));
        Assert.Equal(OptionSources.Bundle, options.GetSource(Asg, "MaxSize"));
        Assert.Equal("360", options.Get(Asg, "Cooldown"));
        Assert.Equal(OptionSources.Default, options.GetSource(Asg, "Cooldown"));
        Assert.Equal(3, options.MinSize);
        Assert.Equal(8, options.MaxSize);
    }

    [Fact]
    public void Get_UnsetWithoutDefault_IsNull()
    {
        Assert.Null(EffectiveOptions.Defaults.Get("aws:elasticbeanstalk:environment", "ServiceRole"));
        Assert.Null(EffectiveOptions.Defaults.GetSource("aws:elasticbeanstalk:environment", "ServiceRole"));
        Assert.Null(EffectiveOptions.Defaults.Get("aws:autoscaling:scheduledaction", "Suspend"));
    }

    [Fact]
    public void All_ListsDefaultsAndSetOptionsWithSources()
    {
        var options = EffectiveOptions.Resolve(
            [S(Props, "GREETING", "hi"), new OptionSetting("aws:autoscaling:scheduledaction", "MinSize", "0", "Night")],
            [S(Asg, "MaxSize", "6")]);

        Assert.Contains(new EffectiveOption(Asg, "MaxSize", "6", OptionSources.Environment), options.All);
        Assert.Contains(new EffectiveOption(Asg, "MinSize", "1", OptionSources.Default), options.All);
        Assert.Contains(new EffectiveOption(Props, "GREETING", "hi", OptionSources.Bundle), options.All);
        Assert.Contains(new EffectiveOption("aws:autoscaling:scheduledaction", "MinSize", "0", OptionSources.Bundle, "Night"), options.All);
        Assert.DoesNotContain(options.All, o => o.Namespace == "aws:autoscaling:scheduledaction" && o.ResourceName is null);
        Assert.Single(options.All, o => o.Namespace == Asg && o.OptionName == "MaxSize");
        Assert.Equal(
            options.All.Select(o => o.Namespace).Order(StringComparer.Ordinal),
            options.All.Select(o => o.Namespace));
    }

    [Fact]
    public void EnvironmentProperties_OnlyFreeFormNamespace()
    {
        var options = EffectiveOptions.Resolve(
            [S(Props, "A", "bundle"), S(Props, "B", "b")],
            [S(Props, "A", "env"), S(Asg, "MinSize", "2")]);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "env", ["B"] = "b" }, options.EnvironmentProperties);
    }

    [Fact]
    public void Defaults_TypedAccessors()
    {
        var options = EffectiveOptions.Defaults;
        Assert.Equal(1, options.MinSize);
        Assert.Equal(4, options.MaxSize);
        Assert.Equal(EnvironmentType.LoadBalanced, options.EnvironmentType);
        Assert.Equal("/", options.HealthCheckPath);
        Assert.Equal(TimeSpan.FromSeconds(15), options.HealthCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.HealthCheckTimeout);
        Assert.Equal(3, options.HealthyThresholdCount);
        Assert.Equal(5, options.UnhealthyThresholdCount);
        Assert.Equal(TimeSpan.FromSeconds(20), options.DeregistrationDelay);
        Assert.Equal(TimeSpan.FromSeconds(600), options.CommandTimeout);
        Assert.Equal("AllAtOnce", options.DeploymentPolicy);
        Assert.Equal("Percentage", options.BatchSizeType);
        Assert.Equal(100, options.BatchSize);
        Assert.False(options.IgnoreHealthCheck);
        Assert.True(options.MatcherHttpCode(200));
        Assert.False(options.MatcherHttpCode(204));
    }

    [Fact]
    public void TypedAccessors_ReadSetValues()
    {
        var options = EffectiveOptions.Resolve([], [
            S("aws:elasticbeanstalk:environment", "EnvironmentType", "SingleInstance"),
            S(Process, "HealthCheckInterval", "30"),
            S(Process, "HealthCheckTimeout", "7"),
            S(Process, "HealthyThresholdCount", "2"),
            S(Process, "UnhealthyThresholdCount", "4"),
            S(Process, "DeregistrationDelay", "0"),
            S(Process, "MatcherHTTPCode", "200-299"),
            S("aws:elasticbeanstalk:command", "Timeout", "120"),
            S("aws:elasticbeanstalk:command", "DeploymentPolicy", "Immutable"),
            S("aws:elasticbeanstalk:command", "IgnoreHealthCheck", "true"),
        ]);
        Assert.Equal(EnvironmentType.SingleInstance, options.EnvironmentType);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HealthCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), options.HealthCheckTimeout);
        Assert.Equal(2, options.HealthyThresholdCount);
        Assert.Equal(4, options.UnhealthyThresholdCount);
        Assert.Equal(TimeSpan.Zero, options.DeregistrationDelay);
        Assert.True(options.MatcherHttpCode(204));
        Assert.False(options.MatcherHttpCode(301));
        Assert.Equal(TimeSpan.FromSeconds(120), options.CommandTimeout);
        Assert.Equal("Immutable", options.DeploymentPolicy);
        Assert.True(options.IgnoreHealthCheck);
    }

    [Fact]
    public void TypedAccessors_InvalidValue_FallsBackToDefault()
    {
        var options = EffectiveOptions.Resolve([], [
            S(Asg, "MinSize", "lots"),
            S(Process, "HealthCheckInterval", "1"),
            S(Process, "MatcherHTTPCode", "nope"),
            S("aws:elasticbeanstalk:command", "DeploymentPolicy", "YOLO"),
        ]);
        Assert.Equal(1, options.MinSize);
        Assert.Equal(TimeSpan.FromSeconds(15), options.HealthCheckInterval);
        Assert.True(options.MatcherHttpCode(200));
        Assert.Equal("AllAtOnce", options.DeploymentPolicy);
    }

    [Theory]
    [InlineData("/health", "/health")]
    [InlineData("HTTP:80/health", "/health")]
    [InlineData("HTTPS:443/status/ok", "/status/ok")]
    [InlineData("TCP:80", "/")]
    public void HealthCheckPath_FromApplicationHealthcheckUrl(string url, string expected)
    {
        var options = EffectiveOptions.Resolve([S(App, "Application Healthcheck URL", url)], [S(Process, "HealthCheckPath", "/ignored")]);
        Assert.Equal(expected, options.HealthCheckPath);
    }

    [Fact]
    public void HealthCheckPath_FallsBackToProcessPath()
    {
        var options = EffectiveOptions.Resolve([S(Process, "HealthCheckPath", "/ready")], []);
        Assert.Equal("/ready", options.HealthCheckPath);
    }

    [Fact]
    public void Settings_AreTheMergedExplicitSet_ForValidation()
    {
        var options = EffectiveOptions.Resolve([S(Asg, "MinSize", "5"), S(Asg, "MaxSize", "3")], [S(Asg, "MaxSize", "10")]);
        Assert.Equal([S(Asg, "MinSize", "5"), S(Asg, "MaxSize", "10")], options.Settings);
        Assert.Empty(OptionValidator.Validate(options.Settings));
    }

    [Fact]
    public void Resolve_FromEbExtensions_EndToEnd()
    {
        var bundle = EbExtensionsReader.Read([
            ("01.config", "option_settings:\n  aws:elasticbeanstalk:application:\n    Application Healthcheck URL: HTTP:80/healthz\n"),
            ("02.config", "option_settings:\n  - option_name: GREETING\n    value: hi\n"),
        ]);
        var options = EffectiveOptions.Resolve(bundle.OptionSettings, [S(Props, "GREETING", "hello")]);
        Assert.Equal("/healthz", options.HealthCheckPath);
        Assert.Equal(OptionSources.Bundle, options.GetSource(App, "Application Healthcheck URL"));
        Assert.Equal("hello", options.EnvironmentProperties["GREETING"]);
        Assert.Equal(OptionSources.Environment, options.GetSource(Props, "GREETING"));
    }
}
