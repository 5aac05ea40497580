using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Runtime;

/// <summary>
/// A temporary root with a slug holding <see cref="TestApp"/> and an instances directory. Every
/// instance started through it is SIGKILLed by process group on dispose, whatever the test did.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RuntimeSandbox : IAsyncDisposable
{
    public const string AppUser = "sprout-it-app";

    private readonly ConcurrentBag<InstanceHandle> _handles = [];
    private readonly ConcurrentBag<ProcessRuntimeDriver> _drivers = [];

    private RuntimeSandbox(string root)
    {
        Root = root;
        SlugDirectory = Path.Combine(root, "slug");
        InstancesDirectory = Path.Combine(root, "instances");
        Directory.CreateDirectory(Path.Combine(SlugDirectory, "static"));
        File.WriteAllText(Path.Combine(SlugDirectory, "app.py"), TestApp.Source);
        File.WriteAllText(Path.Combine(SlugDirectory, "static", "index.html"), "<p>slug</p>\n");
    }

    public static HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string Root { get; }

    public string SlugDirectory { get; }

    public string InstancesDirectory { get; }

    public static RuntimeSandbox Create()
    {
        var root = Directory.CreateTempSubdirectory("sprout-runtime-").FullName;

        // The app user must be able to pass through to its instance directory.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return new RuntimeSandbox(root);
    }

    public ProcessRuntimeDriver CreateDriver(string? appUser = null, long logMaxBytes = 10 * 1024 * 1024)
    {
        var driver = new ProcessRuntimeDriver(new ProcessRuntimeOptions(InstancesDirectory, appUser) { LogMaxBytes = logMaxBytes });
        _drivers.Add(driver);
        return driver;
    }

    public InstanceLaunchSpec Spec(string startCommand = TestApp.StartCommand, IReadOnlyDictionary<string, string>? environment = null) =>
        new("i-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17], "test-env", SlugDirectory, startCommand, FreePort(), environment ?? new Dictionary<string, string>());

    public async Task<InstanceHandle> StartAsync(IRuntimeDriver driver, InstanceLaunchSpec spec)
    {
        var handle = await driver.StartAsync(spec, CancellationToken.None);
        Track(handle);
        return handle;
    }

    public void Track(InstanceHandle handle) => _handles.Add(handle);

    public static async Task<string> GetAsync(InstanceHandle handle, string pathAndQuery) =>
        await Http.GetStringAsync(new Uri($"http://127.0.0.1:{handle.Port}{pathAndQuery}"));

    public static Task WaitUntilServingAsync(InstanceHandle handle) =>
        Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await GetAsync(handle, "/") == "hello";
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"instance {handle.InstanceId} to answer on port {handle.Port}");

    public static Task WaitForLogAsync(InstanceHandle handle, string stream, string text) =>
        Poll.UntilAsync(
            () => File.Exists(InstanceDirectoryLayout.LogFile(handle.InstanceDirectory, stream))
                  && File.ReadAllText(InstanceDirectoryLayout.LogFile(handle.InstanceDirectory, stream)).Contains(text, StringComparison.Ordinal),
            $"'{text}' in {stream} of {handle.InstanceId}");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL to the instance's process group, unless its pid now names another process.</summary>
    public static void KillGroup(InstanceHandle handle)
    {
        if (handle.Pid > 1 && (ProcStat.TryRead(handle.Pid) is not { } stat || stat.StartTime == handle.ProcessStartTime))
        {
            _ = NativeMethods.kill(-handle.Pid, NativeMethods.SIGKILL);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var handle in _handles)
        {
            KillGroup(handle);
        }

        foreach (var handle in _handles)
        {
            await Poll.UntilAsync(() => !ProcStat.GroupHasLiveMembers(handle.Pid), $"process group {handle.Pid} to die");
        }

        foreach (var driver in _drivers)
        {
            driver.Dispose();
        }

        Directory.Delete(Root, recursive: true);
    }
}
