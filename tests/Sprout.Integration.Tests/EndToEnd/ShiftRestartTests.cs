using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>
/// A server killed in the middle of a CNAME shift resumes it after it starts again, with the share it had, and ends it
/// as a swap. Its own server to kill, in the shared collection (instance ports come from one default range).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ShiftRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task KilledDuringShift_ResumesWithTheSharedHostnameAndEndsSwapped()
    {
        var blue = await Environments.LaunchAsync(_fixture, "midshift", "midshift-blue", TestApps.SampleVariant("node", "midshift-s1"), label: "s1");
        await _fixture.Api.UploadDirectoryAsync("midshift", "s2", TestApps.SampleVariant("node", "midshift-s2"));
        var green = await Environments.CreateAsync(_fixture, "midshift", "midshift-green", "s2", 1);

        using (var response = await _fixture.Api.PostAsync($"/api/environments/{blue.EnvironmentName}/shift", new ShiftRequest(green.EnvironmentName, "50%:8s,100%")))
        {
            await SproutApi.EnsureAsync(response);
        }

        await Poll.UntilAsync(() => Environments.EventsTextAsync(_fixture, blue.EnvironmentName), e => e.Contains("Evaluating environment midshift-green", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the shift to hold its first share");
        await _fixture.Server.KillAsync();
        await _fixture.Server.StartAgainAsync();

        // The resumed hold serves both environments on the one hostname again.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await Poll.UntilAsync(async () =>
        {
            var (status, body) = await _fixture.Router.GetAsync(blue.Cname);
            if (status == 200)
            {
                seen.Add(body.Contains("version=s2 ", StringComparison.Ordinal) ? "s2" : "s1");
            }

            return seen.Count;
        }, n => n == 2, TimeSpan.FromSeconds(8), "both environments to answer on the shared hostname after the restart");

        var blueAfter = await _fixture.Api.WaitForReadyAsync(blue.EnvironmentName, TimeSpan.FromSeconds(60));
        var greenAfter = await _fixture.Api.WaitForReadyAsync(green.EnvironmentName, TimeSpan.FromSeconds(30));
        _fixture.Track(blueAfter);
        _fixture.Track(greenAfter);
        Assert.Equal((green.Cname, blue.Cname), (blueAfter.Cname, greenAfter.Cname));
        await DeploymentDrill.AssertServesOnlyAsync(_fixture, blue, "s2");
        await DeploymentDrill.AssertServesOnlyAsync(_fixture, green, "s1");

        var events = await Environments.EventsTextAsync(_fixture, blue.EnvironmentName);
        Assert.Contains("Resuming step 2 after a server restart.", events, StringComparison.Ordinal);
        Assert.Contains("Completed swapping CNAMEs for environments 'midshift-blue' and 'midshift-green'.", events, StringComparison.Ordinal);
    }
}
