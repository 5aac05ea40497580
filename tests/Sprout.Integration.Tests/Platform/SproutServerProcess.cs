using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sprout.Integration.Tests.Platform;

/// <summary>
/// A real <c>sprout server</c> process on free loopback ports with its own data directory.
/// It runs in its own process group, which is what <see cref="KillAsync"/> signals.
/// </summary>
public sealed class SproutServerProcess : IAsyncDisposable
{
    private Process? _process;
    private string? _ownedRoot;

    private SproutServerProcess(string dataDirectory, int apiPort, int httpPort, int maxBundleMegabytes)
    {
        DataDirectory = dataDirectory;
        ApiPort = apiPort;
        HttpPort = httpPort;
        MaxBundleMegabytes = maxBundleMegabytes;
    }

    public string DataDirectory { get; }

    public int ApiPort { get; }

    public int HttpPort { get; }

    public int MaxBundleMegabytes { get; }

    /// <summary>
    /// A window of the instance port range of its own (one of twenty 500-port windows), so test servers
    /// running side by side do not hand their instances the same ports. Kept across restarts.
    /// </summary>
    public string InstancePorts { get; } = InstancePortWindow();

    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";

    private static string InstancePortWindow()
    {
        var first = 20000 + (Random.Shared.Next(20) * 500);
        return $"{first}-{first + 499}";
    }

    public string Token => File.ReadAllText(Path.Combine(DataDirectory, "token")).Trim();

    public string LogPath => Path.Combine(Path.GetDirectoryName(DataDirectory)!, "server.log");

    public int? Pid => _process?.Id;

    public static async Task<SproutServerProcess> StartAsync(string? dataDirectory = null, int maxBundleMegabytes = 20, CancellationToken cancellationToken = default)
    {
        var owned = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "sprout-it-" + Guid.NewGuid().ToString("N")[..8], "data");
        Directory.CreateDirectory(Path.GetDirectoryName(dataDirectory)!);
        var server = new SproutServerProcess(dataDirectory, FreePort(), FreePort(), maxBundleMegabytes)
        {
            _ownedRoot = owned ? Path.GetDirectoryName(dataDirectory) : null,
        };
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts (or restarts, after a kill) the server on the same ports and data directory.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var sprout = Path.Combine(AppContext.BaseDirectory, "sprout.dll");
        var command = $"exec dotnet '{sprout}' server --data-dir '{DataDirectory}' --api-port {ApiPort} --http-port {HttpPort} --domain localhost --max-bundle-mb {MaxBundleMegabytes} --instance-ports {InstancePorts} >>'{LogPath}' 2>&1";
        var start = new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", command]) { UseShellExecute = false };
        start.Environment["DOTNET_gcServer"] = "0";
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start sprout server");
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sprout server exited with {_process.ExitCode}: {await File.ReadAllTextAsync(LogPath, cancellationToken)}");
            }

            try
            {
                using var response = await client.GetAsync($"{ApiUrl}/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("sprout server did not answer /healthz within 60 s: " + await File.ReadAllTextAsync(LogPath, cancellationToken));
    }

    /// <summary>SIGKILL to the server's own process group: the instances, in their own sessions, survive it.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        ProcessGroups.Kill(_process.Id);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the server's exit code.</summary>
    public async Task<int> StopGracefullyAsync()
    {
        ProcessGroups.Terminate(_process!.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        if (_ownedRoot is not null && Directory.Exists(_ownedRoot))
        {
            try
            {
                Directory.Delete(_ownedRoot, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temporary directory is not worth failing the run for.
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
