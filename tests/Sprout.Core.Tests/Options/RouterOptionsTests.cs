using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class RouterOptionsTests
{
    private const string Router = "sprout:router";
    private const string Process = "aws:elasticbeanstalk:environment:process:default";

    private static OptionSetting S(string ns, string name, string value) => new(ns, name, value);

    [Theory]
    [InlineData("www.example.test")]
    [InlineData("a.test, B-2.example.test.")]
    [InlineData("localhost")]
    public void Hostnames_Valid(string value) => Assert.Empty(OptionValidator.Validate([S(Router, "Hostnames", value)]));

    [Theory]
    [InlineData("www.example.test:8080")]
    [InlineData("-bad.test")]
    [InlineData("bad-.test")]
    [InlineData("a..test")]
    [InlineData("under_score.test")]
    public void Hostnames_Invalid_NamesTheHostname(string value)
    {
        var error = Assert.Single(OptionValidator.Validate([S(Router, "Hostnames", value)]));
        Assert.Contains("Hostnames", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a host name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtraHostnames_LowerCasedWithoutTrailingDotsOrDuplicates()
    {
        var options = EffectiveOptions.Resolve(bundle: [], environment: [S(Router, "Hostnames", "WWW.Example.test., www.example.test, api.example.test")]);

        Assert.Equal(["www.example.test", "api.example.test"], options.ExtraHostnames);
        Assert.Empty(EffectiveOptions.Defaults.ExtraHostnames);
    }

    [Fact]
    public void Stickiness_OffByDefault_OnGivesTheCookieDuration()
    {
        Assert.Null(EffectiveOptions.Defaults.StickinessDuration);
        var options = EffectiveOptions.Resolve(bundle: [], environment: [S(Process, "StickinessEnabled", "true"), S(Process, "StickinessLBCookieDuration", "120")]);
        Assert.Equal(TimeSpan.FromSeconds(120), options.StickinessDuration);
    }

    [Fact]
    public void LoadBalancingAlgorithm_DefaultsToLeastOutstandingAndRejectsUnknown()
    {
        Assert.Equal("least_outstanding_requests", EffectiveOptions.Defaults.LoadBalancingAlgorithm);
        Assert.Single(OptionValidator.Validate([S(Router, "LoadBalancingAlgorithm", "random")]));
        Assert.Empty(OptionValidator.Validate([S(Router, "LoadBalancingAlgorithm", "round_robin")]));
    }
}
