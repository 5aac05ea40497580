using Sprout.Cli;
using Sprout.Integration.Tests.Cli;
using Sprout.Integration.Tests.Platform;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Remote;

/// <summary><c>sprout router</c> run in-process: its usage errors, and a run that serves the followed table until cancelled.</summary>
public sealed class RouterVerbTests
{
    [Fact]
    public async Task WithoutControlPlane_UsageError()
    {
        using var run = new CliRun();

        var result = await run.RunAsync("router");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--control-plane", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutToken_UsageErrorNamingSproutToken()
    {
        using var run = new CliRun();

        var result = await run.RunAsync("router", "--control-plane", "http://127.0.0.1:4510");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("SPROUT_TOKEN", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAnHttpUrl_UsageError()
    {
        using var run = new CliRun();
        run.Environment["SPROUT_TOKEN"] = "t";

        var result = await run.RunAsync("router", "--control-plane", "ftp://example");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
    }

    [Fact]
    public async Task Runs_ServesTheFollowedTable_AndExitsZeroWhenCancelled()
    {
        using var run = new CliRun();
        await using var feed = await TestRouteFeedHost.StartAsync(Path.Combine(run.Root, "token"));
        await using var backend = await TestBackend.StartAsync("instance-1");
        feed.Table.SetEnvironment(EnvironmentRoute.Of("web", ["web.localhost"], [backend.Target]));
        var port = SproutServerProcess.FreePort();
        using var client = new RouterClient(port);
        using var stop = new CancellationTokenSource();

        var running = run.RunAsync(stop.Token, "router", "--control-plane", feed.Url.ToString(), "--token", feed.Token, "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var served = await Poll.UntilAsync(() => client.GetAsync("web.localhost"), r => r.Status == 200, TimeSpan.FromSeconds(20), "the router verb to serve the environment");
        Assert.Contains("instance-1", served.Body, StringComparison.Ordinal);
        Assert.True(feed.Followers.HasActiveFollowers);
        await stop.CancelAsync();

        var result = await running;
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }
}
