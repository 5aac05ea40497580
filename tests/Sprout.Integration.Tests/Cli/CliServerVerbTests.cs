using System.Net;
using Sprout.Cli;
using Sprout.Server;

namespace Sprout.Integration.Tests.Cli;

/// <summary><c>sprout server</c> maps its options onto <see cref="ServerOptions"/> and stops cleanly when cancelled.</summary>
public sealed class CliServerVerbTests : IDisposable
{
    private readonly CliRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Options_AreMappedOntoServerOptions()
    {
        ServerOptions? received = null;
        _run.RunServer = (options, _) =>
        {
            received = options;
            return Task.FromResult(ExitCodes.Success);
        };

        var result = await _run.RunAsync(
            "server", "--data-dir", "~/state", "--api-port", "0", "--http-port", "18080", "--domain", "apps.test",
            "--api-address", "0.0.0.0", "--http-address", "::1", "--max-bundle-mb", "12", "--app-user", "", "--access-log", "~/access.log",
            "--http2-port", "18443", "--trusted-proxies", "10.0.0.0/8, 192.168.1.7", "--instance-ports", "31000-31499");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.NotNull(received);
        Assert.Equal(Path.Combine(_run.Home, "state"), received.DataDirectory);
        Assert.Equal(0, received.ApiPort);
        Assert.Equal(18080, received.HttpPort);
        Assert.Equal("apps.test", received.Domain);
        Assert.Equal(IPAddress.Any, received.ApiAddress);
        Assert.Equal(IPAddress.IPv6Loopback, received.HttpAddress);
        Assert.Equal(12L * 1024 * 1024, received.MaxBundleBytes);
        Assert.Null(received.AppUser);
        Assert.Equal(Path.Combine(_run.Home, "access.log"), received.AccessLogPath);
        Assert.Equal(18443, received.Http2Port);
        Assert.Equal((31000, 31499), (received.InstancePortRangeStart, received.InstancePortRangeEnd));
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.168.1.7/32")], received.TrustedProxies);
    }

    [Theory]
    [InlineData("--trusted-proxies", "10.0.0.0/99")]
    [InlineData("--trusted-proxies", "not-an-address")]
    [InlineData("--http2-port", "70000")]
    [InlineData("--instance-ports", "30000")]
    [InlineData("--instance-ports", "400-500")]
    [InlineData("--instance-ports", "31000-30000")]
    public async Task RouterOptions_Invalid_UsageError(string option, string value)
    {
        _run.RunServer = (_, _) => Task.FromResult(ExitCodes.Success);

        var result = await _run.RunAsync("server", option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(option, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_MatchServerOptions_AndDataDirFollowsSproutDataDir()
    {
        ServerOptions? received = null;
        _run.RunServer = (options, _) =>
        {
            received = options;
            return Task.FromResult(ExitCodes.Success);
        };
        var dataDirectory = Path.Combine(_run.Root, "data");
        _run.Environment["SPROUT_DATA_DIR"] = dataDirectory;

        var result = await _run.RunAsync("server");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var defaults = new ServerOptions { DataDirectory = dataDirectory };
        Assert.Equal(defaults with { }, received);
    }

    [Fact]
    public async Task Cancellation_StopsTheServer_WithExitCodeZero()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _run.RunServer = async (_, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return ExitCodes.Failed;
        };
        using var stop = new CancellationTokenSource();

        var running = _run.RunAsync(stop.Token, "server", "--api-port", "0");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }
}
