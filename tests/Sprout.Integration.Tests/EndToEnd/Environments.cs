using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Creates environments the way the tests need them: fast checks, short drains, tracked for cleanup.</summary>
internal static class Environments
{
    public static readonly OptionSetting[] FastChecks =
    [
        new("aws:elasticbeanstalk:environment:process:default", "HealthCheckInterval", "5"),
        new("aws:elasticbeanstalk:environment:process:default", "HealthyThresholdCount", "2"),
        new("aws:elasticbeanstalk:environment:process:default", "UnhealthyThresholdCount", "2"),
    ];

    public static async Task<EnvironmentDto> LaunchAsync(ServerFixture fixture, string application, string environment, string sourceDirectory, int instances = 1, string label = "v1", params OptionSetting[] options)
    {
        var version = await fixture.Api.UploadDirectoryAsync(application, label, sourceDirectory);
        Assert.True(version.Status == VersionStatus.Processed, $"build of {label} failed: {version.FailureReason}");
        return await CreateAsync(fixture, application, environment, label, instances, options);
    }

    public static async Task<EnvironmentDto> CreateAsync(ServerFixture fixture, string application, string environment, string label, int instances, params OptionSetting[] options)
    {
        var created = await fixture.Api.CreateEnvironmentAsync(new CreateEnvironmentRequest(application, environment, label, Instances: instances, OptionSettings: [.. FastChecks, .. options]));
        Assert.Equal(EnvironmentStatus.Launching, created.Status);
        var ready = await fixture.Api.WaitForReadyAsync(environment);
        fixture.Track(ready);
        return ready;
    }

    public static async Task<string> EventsTextAsync(ServerFixture fixture, string environment) =>
        string.Join("\n", (await fixture.Api.EventsAsync(environment)).Select(e => $"{e.Severity} {e.Message}"));
}
