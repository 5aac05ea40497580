using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Tests.Health.Enhanced;

public sealed class HealthConfigDocumentTests
{
    private static HealthConfigDocument Parse(string? json)
    {
        Assert.True(HealthConfigDocument.TryParse(json, EnhancedHealthOptions.Default, out var document, out var errors), string.Join("; ", errors));
        return document;
    }

    private static IReadOnlyList<string> Errors(string json)
    {
        Assert.False(HealthConfigDocument.TryParse(json, EnhancedHealthOptions.Default, out var document, out var errors));
        Assert.Null(document);
        return errors;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoDocument_KeepsTheDefaults(string? json) => Assert.Equal(EnhancedHealthOptions.Default, Parse(json).Options);

    [Fact]
    public void BeanstalksDocument_Disables4xxWhereItSays()
    {
        var document = Parse("""
            {"Rules":{"Environment":{"Application":{"ApplicationRequests4xx":{"Enabled":false}},"ELB":{"ELBRequests4xx":{"Enabled":true}}}},"Version":1}
            """);

        Assert.False(document.Options.ApplicationRequests4xx.Enabled);
        Assert.True(document.Options.ELBRequests4xx.Enabled);
        Assert.Equal(EnhancedHealthOptions.Default.ApplicationRequests5xx, document.Options.ApplicationRequests5xx);
    }

    [Fact]
    public void CloudWatchMetrics_AreKept()
    {
        var document = Parse("""
            {"CloudWatchMetrics":{"Environment":{"ApplicationLatencyP99.9":60,"InstancesSevere":null},"Instance":{"CPUUser":60}},"Version":1}
            """);

        Assert.Equal(60, document.EnvironmentMetrics["ApplicationLatencyP99.9"]);
        Assert.Null(document.EnvironmentMetrics["InstancesSevere"]);
        Assert.Equal(60, document.InstanceMetrics["CPUUser"]);
    }

    [Fact]
    public void SproutThresholds_MoveTheBoundary()
    {
        var options = Parse("""
            {"Version":1,"Rules":{"Environment":{"Application":{"ApplicationRequests5xx":{"Warning":5,"Degraded":20,"Severe":50}}},
             "Instance":{"System":{"CPUUtilization":{"Enabled":false}},"HealthCheck":{"HealthCheckFailures":{"Degraded":2}}}},
             "Sprout":{"MinimumRequestCount":1,"NoDataAfterSeconds":30,"InstancesImpairedDegradedPercent":75}}
            """).Options;

        Assert.Equal(new RuleThresholds(true, 5, 20, 50), options.ApplicationRequests5xx);
        Assert.Null(options.ApplicationRequests5xx.Grade(4.99));
        Assert.Equal(HealthStatus.Warning, options.ApplicationRequests5xx.Grade(5));
        Assert.False(options.CPUUtilization.Enabled);
        Assert.Equal(2, options.HealthCheckFailures.Degraded);
        Assert.Equal(1, options.MinimumRequestCount);
        Assert.Equal(TimeSpan.FromSeconds(30), options.NoDataAfter);
        Assert.Equal(75, options.InstancesImpairedDegradedPercent);
    }

    [Fact]
    public void MisspelledRule_IsAnErrorNamingItsPathAndTheRulesThatFit()
    {
        var error = Assert.Single(Errors("""{"Rules":{"Environment":{"Application":{"ApplicationRequest4xx":{"Enabled":false}}}}}"""));

        Assert.Equal("Rules.Environment.Application.ApplicationRequest4xx: unknown rule (expected one of ApplicationRequests4xx, ApplicationRequests5xx, ApplicationLatencyP99).", error);
    }

    [Theory]
    [InlineData("""{"Version":2}""", "Version: only 1 is supported (got 2).")]
    [InlineData("""{"Version":1,"Rules":{"Environment":{"ELB":{"ELBRequests5xx":{"Warning":20,"Degraded":10}}}}}""",
        "ELBRequests5xx: thresholds must satisfy 0 <= Warning <= Degraded <= Severe (got 20, 10, 25).")]
    [InlineData("""{"Rules":{"Environment":{"ELB":{"ELBRequests4xx":{"Enabled":"no"}}}}}""", "Rules.Environment.ELB.ELBRequests4xx.Enabled: must be true or false.")]
    [InlineData("""{"CloudWatchMetrics":{"Environment":{"InstancesSevere":30}}}""", "CloudWatchMetrics.Environment.InstancesSevere: period must be 60 or null (got 30).")]
    [InlineData("""{"Sprout":{"MinimumRequestCount":-1}}""", "Sprout.MinimumRequestCount: must be a whole number at or above 0.")]
    [InlineData("""{"Rule":{}}""", "Rule: unknown key (expected Version, CloudWatchMetrics, Rules or Sprout).")]
    [InlineData("[]", "ConfigDocument must be a JSON object.")]
    public void InvalidDocuments_SayWhatIsWrong(string json, string expected) => Assert.Contains(expected, Errors(json));

    [Fact]
    public void InvalidJson_IsAnError() => Assert.StartsWith("ConfigDocument is not valid JSON", Assert.Single(Errors("{")), StringComparison.Ordinal);

    [Fact]
    public void FromEffectiveOptions_UsesCommandTimeoutPlus240AndTheDocument()
    {
        var effective = EffectiveOptions.Resolve([],
        [
            new OptionSetting(OptionNamespaces.Command, "Timeout", "300"),
            new OptionSetting(OptionNamespaces.HealthReporting, "ConfigDocument", """{"Rules":{"Environment":{"Application":{"ApplicationRequests4xx":{"Enabled":false}}}},"Version":1}"""),
        ]);

        var options = EnhancedHealthConfiguration.From(effective, out var errors);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(540), options.OperationTimeout);
        Assert.False(options.ApplicationRequests4xx.Enabled);
    }

    [Fact]
    public void FromEffectiveOptions_BadDocument_KeepsDefaultsAndReportsWhy()
    {
        var effective = EffectiveOptions.Resolve([], [new OptionSetting(OptionNamespaces.HealthReporting, "ConfigDocument", """{"Version":3}""")]);

        var options = EnhancedHealthConfiguration.From(effective, out var errors);

        Assert.Equal(EnhancedHealthOptions.Default.ApplicationRequests4xx, options.ApplicationRequests4xx);
        Assert.Equal(TimeSpan.FromSeconds(840), options.OperationTimeout);
        Assert.NotEmpty(errors);
    }
}
