using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sprout.Integration.Tests.Platform;

/// <summary>
/// A real <c>sprout router</c> process following a control plane, on a free loopback port. It runs
/// in its own process group (setsid), which is what disposing it kills.
/// </summary>
public sealed class SproutRouterProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SproutRouterProcess(Process process, int httpPort, string logPath)
    {
        _process = process;
        HttpPort = httpPort;
        LogPath = logPath;
    }

    public int HttpPort { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    /// <summary>What the router has written so far (its console log).</summary>
    public Task<string> ReadLogAsync() => File.ReadAllTextAsync(LogPath);

    /// <summary>Starts the router with the token in SPROUT_TOKEN (not on the command line) and waits until it accepts connections.</summary>
    public static async Task<SproutRouterProcess> StartAsync(string controlPlaneUrl, string token, string logDirectory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(logDirectory);
        var port = SproutServerProcess.FreePort();
        var logPath = Path.Combine(logDirectory, $"router-{port}.log");
        var sprout = Path.Combine(AppContext.BaseDirectory, "sprout.dll");
        var command = $"exec dotnet '{sprout}' router --control-plane '{controlPlaneUrl}' --address 127.0.0.1 --http-port {port} --domain localhost >>'{logPath}' 2>&1";
        var start = new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", command]) { UseShellExecute = false };
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["SPROUT_TOKEN"] = token;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sprout router");
        var router = new SproutRouterProcess(process, port, logPath);
        try
        {
            await router.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public async Task<int> StopGracefullyAsync()
    {
        ProcessGroups.Terminate(_process.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ProcessGroups.Kill(_process.Id);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sprout router exited with {_process.ExitCode}: {await ReadLogAsync()}");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, HttpPort, cancellationToken);
                return;
            }
            catch (SocketException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"sprout router did not listen on {HttpPort} within {timeout.TotalSeconds:0} s: {await ReadLogAsync()}");
    }
}
