using System.Net;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Apps that fail to build, never become healthy, or crash: each ends clearly, with a cause, and nothing hangs.</summary>
[Collection(ServerCollection.Name)]
public sealed class FailureTests(ServerFixture fixture)
{
    private SproutApi Api => fixture.Api;

    [Fact]
    public async Task BuildFailure_MarksTheVersionFailedWithTheLogTail()
    {
        var version = await Api.UploadDirectoryAsync("failures", "broken-1", TestApps.BrokenBuild());

        Assert.Equal(VersionStatus.Failed, version.Status);
        Assert.False(string.IsNullOrWhiteSpace(version.FailureReason));
        var events = await Api.GetAsync<IReadOnlyList<EventDto>>("/api/events?application=failures&limit=100");
        Assert.Contains(events, e => e.Message == "Finished processing application version broken-1: FAILED." && e.Severity == EventSeverity.ERROR);
        var log = await Api.Http.GetStringAsync("/api/applications/failures/versions/broken-1/build-log");
        Assert.Contains("npm", log, StringComparison.OrdinalIgnoreCase);

        using var create = await Api.PostAsync("/api/environments", new CreateEnvironmentRequest("failures", "fail-broken", "broken-1"));
        Assert.Equal(HttpStatusCode.Conflict, create.StatusCode);
        Assert.Contains("version_failed", await create.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppThatNeverBecomesHealthy_EndsReadyAndRedWithTheCause()
    {
        await Api.UploadDirectoryAsync("failures", "unhealthy-1", TestApps.AlwaysFailing());
        var ready = await Environments.CreateAsync(fixture, "failures", "fail-unhealthy", "unhealthy-1", 1, new OptionSetting("aws:elasticbeanstalk:command", "Timeout", "6"));

        Assert.Equal(HealthColor.Red, ready.Health);
        var events = await Environments.EventsTextAsync(fixture, "fail-unhealthy");
        Assert.Contains("returned HTTP 500", events, StringComparison.Ordinal);
        Assert.Contains("Create environment operation is complete, but with errors.", events, StringComparison.Ordinal);
        var (status, body) = await fixture.Router.GetAsync(ready.Cname);
        Assert.Equal(503, status);
        Assert.Contains("fail-unhealthy", body, StringComparison.Ordinal);
        await Api.TerminateAsync("fail-unhealthy");
    }

    [Fact]
    public async Task CrashingApp_IsReportedAsACrashLoop()
    {
        await Api.UploadDirectoryAsync("failures", "crash-1", TestApps.Crashing());
        var ready = await Environments.CreateAsync(fixture, "failures", "fail-crash", "crash-1", 1, new OptionSetting("aws:elasticbeanstalk:command", "Timeout", "10"));

        Assert.Equal(HealthColor.Red, ready.Health);
        var events = await Environments.EventsTextAsync(fixture, "fail-crash");
        Assert.Contains("crash loop", events, StringComparison.Ordinal);
        Assert.Contains("fatal: cannot start", events, StringComparison.Ordinal);
        await Api.TerminateAsync("fail-crash");
    }
}
