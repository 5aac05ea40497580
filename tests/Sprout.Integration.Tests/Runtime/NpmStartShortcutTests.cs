using System.Runtime.Versioning;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Runtime;

/// <summary>
/// <c>npm start</c> apps run their start script directly, with npm's variables, unless they need npm itself. The
/// sandbox's test app (Python) stands in for node: npm runs any script, and so does the shortcut.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class NpmStartShortcutTests : IAsyncLifetime
{
    private readonly RuntimeSandbox _sandbox = RuntimeSandbox.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task NpmStart_PlainStartScript_RunsTheScriptAsTheLeaderWithNpmVariables()
    {
        WritePackage("""{ "name": "shop", "version": "2.0.1", "scripts": { "start": "PYTHONUNBUFFERED=1 python3 app.py" } }""");
        var driver = _sandbox.CreateDriver();

        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec("npm start"));
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        var appDirectory = InstanceDirectoryLayout.AppDirectory(handle.InstanceDirectory);
        Assert.Equal("start", await RuntimeSandbox.GetAsync(handle, "/env?name=npm_lifecycle_event"));
        Assert.Equal("shop", await RuntimeSandbox.GetAsync(handle, "/env?name=npm_package_name"));
        Assert.Equal("2.0.1", await RuntimeSandbox.GetAsync(handle, "/env?name=npm_package_version"));
        Assert.Equal(appDirectory + "/package.json", await RuntimeSandbox.GetAsync(handle, "/env?name=npm_package_json"));
        var path = (await RuntimeSandbox.GetAsync(handle, "/env?name=PATH")).Split(':');
        Assert.Equal(appDirectory + "/node_modules/.bin", path[0]);
        Assert.Contains("/usr/bin", path);

        // No npm process anywhere in the instance's group: the leader is the shell running the script.
        Assert.DoesNotContain(GroupCommandLines(handle.Pid), line => line.Contains("npm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NpmStart_WithPrestartHook_RunsNpmSoTheHookRuns()
    {
        WritePackage("""{ "scripts": { "prestart": "touch prestart-ran", "start": "python3 -u app.py" } }""");
        var driver = _sandbox.CreateDriver();

        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec("npm start"));
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        Assert.True(File.Exists(Path.Combine(InstanceDirectoryLayout.AppDirectory(handle.InstanceDirectory), "prestart-ran")));
        Assert.Contains(GroupCommandLines(handle.Pid), line => line.Contains("npm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NpmStart_WithOptOutProperty_RunsNpm()
    {
        WritePackage("""{ "scripts": { "start": "python3 -u app.py" } }""");
        var driver = _sandbox.CreateDriver();
        var environment = new Dictionary<string, string> { [NpmStartShortcut.OptOutVariable] = NpmStartShortcut.OptOutValue };

        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec("npm start", environment));
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        Assert.Contains(GroupCommandLines(handle.Pid), line => line.Contains("npm", StringComparison.Ordinal));
        Assert.Equal("start", await RuntimeSandbox.GetAsync(handle, "/env?name=npm_lifecycle_event"));
    }

    private void WritePackage(string json) => File.WriteAllText(Path.Combine(_sandbox.SlugDirectory, "package.json"), json);

    /// <summary>The command lines of the live processes in process group <paramref name="group"/>.</summary>
    private static List<string> GroupCommandLines(int group) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(directory => Path.GetFileName(directory))
            .Where(name => int.TryParse(name, out _))
            .Where(name => ProcStat.TryRead(int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)) is { ProcessGroup: var g } && g == group)
            .Select(name => ReadCommandLine(name))];

    private static string ReadCommandLine(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
