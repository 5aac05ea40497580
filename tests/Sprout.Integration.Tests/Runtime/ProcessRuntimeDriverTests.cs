using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Runtime;

[SupportedOSPlatform("linux")]
public sealed class ProcessRuntimeDriverTests : IAsyncLifetime
{
    private readonly RuntimeSandbox _sandbox = RuntimeSandbox.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task StartAsync_App_ListensOnPortWithCleanEnvironment()
    {
        var driver = _sandbox.CreateDriver();
        Environment.SetEnvironmentVariable("SPROUT_SERVER_SECRET", "must-not-leak");
        var spec = _sandbox.Spec(environment: new Dictionary<string, string> { ["GREETING"] = "hi there" });

        var handle = await _sandbox.StartAsync(driver, spec);
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        Assert.Equal(spec.Port, handle.Port);
        Assert.Equal(Path.Combine(_sandbox.InstancesDirectory, spec.InstanceId), handle.InstanceDirectory);
        Assert.Equal("hi there", await RuntimeSandbox.GetAsync(handle, "/env?name=GREETING"));
        Assert.Equal(spec.Port.ToString(CultureInfo.InvariantCulture), await RuntimeSandbox.GetAsync(handle, "/env?name=PORT"));
        Assert.Equal(handle.InstanceDirectory, await RuntimeSandbox.GetAsync(handle, "/env?name=HOME"));
        Assert.Contains("/usr/bin", (await RuntimeSandbox.GetAsync(handle, "/env?name=PATH")).Split(':'));
        Assert.Equal("<unset>", await RuntimeSandbox.GetAsync(handle, "/env?name=SPROUT_SERVER_SECRET"));
        Assert.True(driver.IsAlive(handle));
    }

    [Fact]
    public async Task StartAsync_App_WritesItsOutputToLogFiles()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());

        await RuntimeSandbox.WaitForLogAsync(handle, "stdout", $"listening on {handle.Port}");
        await RuntimeSandbox.WaitForLogAsync(handle, "stderr", "stderr hello");
        Assert.Equal([$"listening on {handle.Port}"], await driver.ReadLogAsync(handle, "stdout", 10, CancellationToken.None));
        Assert.Equal(["stderr hello"], await driver.ReadLogAsync(handle, "stderr", null, CancellationToken.None));

        // The app's stdio are the files (and /dev/null), not pipes to this process.
        var fd = $"/proc/{handle.Pid}/fd/";
        Assert.Equal("/dev/null", new FileInfo(fd + "0").LinkTarget);
        Assert.Equal(InstanceDirectoryLayout.LogFile(handle.InstanceDirectory, "stdout"), new FileInfo(fd + "1").LinkTarget);
        Assert.Equal(InstanceDirectoryLayout.LogFile(handle.InstanceDirectory, "stderr"), new FileInfo(fd + "2").LinkTarget);

        // Nor does it hold a pipe the server inherited from its own parent: that would tie the parent's fate to the app's.
        var pipes = Directory.GetFiles(fd).Select(path => new FileInfo(path).LinkTarget ?? "").Where(target => target.StartsWith("pipe:", StringComparison.Ordinal));
        Assert.Empty(pipes);
    }

    [Fact]
    public async Task StartAsync_App_LeadsItsOwnSessionAndProcessGroup()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        var app = ProcStat.TryRead(handle.Pid)!.Value;
        var self = ProcStat.TryRead(Environment.ProcessId)!.Value;
        Assert.Equal(handle.Pid, app.Session);
        Assert.Equal(handle.Pid, app.ProcessGroup);
        Assert.NotEqual(self.Session, app.Session);
        Assert.Equal(app.StartTime, handle.ProcessStartTime);
        Assert.Contains("app.py", await File.ReadAllTextAsync($"/proc/{handle.Pid}/cmdline"));
    }

    [RootFact]
    public async Task StartAsync_AsRoot_RunsAsAppUserThatCannotTouchPrivateFilesOrTheSlug()
    {
        var driver = _sandbox.CreateDriver(RuntimeSandbox.AppUser);
        var secretDirectory = Path.Combine(_sandbox.Root, "secret");
        Directory.CreateDirectory(secretDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var secret = Path.Combine(secretDirectory, "key");
        await File.WriteAllTextAsync(secret, "root only");

        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        var uid = await RunAsync("id", "-u", RuntimeSandbox.AppUser);
        var status = await File.ReadAllLinesAsync($"/proc/{handle.Pid}/status");
        var uids = status.Single(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.All(uids, id => Assert.Equal(uid, id));

        var app = InstanceDirectoryLayout.AppDirectory(handle.InstanceDirectory);
        Assert.Equal("denied", await RuntimeSandbox.GetAsync(handle, "/read?path=" + Uri.EscapeDataString(secret)));
        Assert.Equal("denied", await RuntimeSandbox.GetAsync(handle, "/write?path=" + Uri.EscapeDataString(Path.Combine(app, "app.py"))));
        Assert.Equal("ok", await RuntimeSandbox.GetAsync(handle, "/write?path=" + Uri.EscapeDataString(Path.Combine(app, "static", "new.txt"))));
        Assert.Equal("ok", await RuntimeSandbox.GetAsync(handle, "/read?path=" + Uri.EscapeDataString(Path.Combine(app, "static", "index.html"))));
        Assert.Equal(TestApp.Source, await File.ReadAllTextAsync(Path.Combine(_sandbox.SlugDirectory, "app.py")));
        Assert.False(File.Exists(Path.Combine(_sandbox.SlugDirectory, "static", "new.txt")));

        // The working copy shares the slug's files (hard links) rather than copying them.
        Assert.Equal(await GetInodeAsync(Path.Combine(_sandbox.SlugDirectory, "app.py")), await GetInodeAsync(Path.Combine(app, "app.py")));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(_sandbox.InstancesDirectory));
    }

    [Fact]
    public async Task StopAsync_AppHonouringTerm_ExitsBySigtermWellWithinGrace()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);
        var exit = driver.WaitForExitAsync(handle, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        await driver.StopAsync(handle, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {watch.Elapsed}");
        Assert.False(driver.IsAlive(handle));
        Assert.Equal(new InstanceExit(128 + 15, 15), await exit.WaitAsync(TimeSpan.FromSeconds(10)));

        // Idempotent: a second stop of a gone process is a no-op.
        await driver.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task StopAsync_AppIgnoringTerm_IsKilledWhenGraceRunsOut()
    {
        var driver = _sandbox.CreateDriver();
        var spec = _sandbox.Spec(environment: new Dictionary<string, string> { ["IGNORE_TERM"] = "1" });
        var handle = await _sandbox.StartAsync(driver, spec);
        await RuntimeSandbox.WaitForLogAsync(handle, "stdout", "listening on");
        var exit = driver.WaitForExitAsync(handle, CancellationToken.None);

        var grace = TimeSpan.FromSeconds(1);
        var watch = Stopwatch.StartNew();
        await driver.StopAsync(handle, grace, CancellationToken.None);

        Assert.InRange(watch.Elapsed, grace, grace + TimeSpan.FromSeconds(5));
        Assert.False(driver.IsAlive(handle));
        Assert.False(ProcStat.GroupHasLiveMembers(handle.Pid));
        Assert.Equal(new InstanceExit(128 + 9, 9), await exit.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task StopAsync_ShellTrappingTerm_KillsTheWholeGroup()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec("trap '' TERM; echo ready; while true; do sleep 0.2; done"));
        await RuntimeSandbox.WaitForLogAsync(handle, "stdout", "ready");

        await driver.StopAsync(handle, TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.False(driver.IsAlive(handle));
        Assert.False(ProcStat.GroupHasLiveMembers(handle.Pid));
    }

    [Fact]
    public async Task StopAsync_RightAfterStart_StopsTheWholeInstance()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());

        await driver.StopAsync(handle, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(driver.IsAlive(handle));
        Assert.False(ProcStat.GroupHasLiveMembers(handle.Pid));
    }

    [Fact]
    public async Task StartAsync_CommandWithLeadingAssignment_RunsWithThatVariable()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec("GREETING=from-procfile " + TestApp.StartCommand));
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        Assert.Equal("from-procfile", await RuntimeSandbox.GetAsync(handle, "/env?name=GREETING"));
    }

    [Fact]
    public async Task IsAlive_HandleWithAnotherStartTime_IsFalseAndStopLeavesTheProcessAlone()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);
        var reused = handle with { ProcessStartTime = handle.ProcessStartTime + 1 };

        Assert.False(driver.IsAlive(reused));
        Assert.False(driver.TryAdopt(reused));
        await driver.StopAsync(reused, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(driver.IsAlive(handle));
        Assert.Equal("hello", await RuntimeSandbox.GetAsync(handle, "/"));
    }

    [Fact]
    public async Task WaitForExitAsync_AppExiting_ReportsItsExitCode()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec(TestApp.Python + " -c 'import sys; sys.exit(3)'"));

        var exit = await driver.WaitForExitAsync(handle, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(new InstanceExit(3, null), exit);
        Assert.False(driver.IsAlive(handle));
    }

    [Fact]
    public async Task ReadLogAsync_LongLog_ReturnsLastLinesOrAll()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec("seq 1 100000"));
        Assert.Equal(new InstanceExit(0, null), await driver.WaitForExitAsync(handle, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(["99998", "99999", "100000"], await driver.ReadLogAsync(handle, "stdout", 3, CancellationToken.None));
        Assert.Empty(await driver.ReadLogAsync(handle, "stdout", 0, CancellationToken.None));
        var all = await driver.ReadLogAsync(handle, "stdout", null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 100000).Select(i => i.ToString(CultureInfo.InvariantCulture)), all);
        Assert.Empty(await driver.ReadLogAsync(handle, "stderr", 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => driver.ReadLogAsync(handle, "../../etc/passwd", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_Driver_AppKeepsRunningAndANewDriverAdoptsAndStopsIt()
    {
        var first = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(first, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        first.Dispose();

        Assert.Equal("hello", await RuntimeSandbox.GetAsync(handle, "/"));
        var second = _sandbox.CreateDriver();
        Assert.True(second.TryAdopt(handle));
        Assert.Equal("logged", await RuntimeSandbox.GetAsync(handle, "/log?line=after-adoption"));
        await RuntimeSandbox.WaitForLogAsync(handle, "stdout", "after-adoption");
        var exit = second.WaitForExitAsync(handle, CancellationToken.None);

        await second.StopAsync(handle, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(second.IsAlive(handle));
        Assert.Equal(new InstanceExit(null, null), await exit.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task FindRecordedHandle_ProcessStartedButNeverNoted_IsFoundByItsInstanceDirectoryAndNotedAgain()
    {
        // A server killed between starting a process and writing its note must not leave it unknown.
        var first = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(first, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);
        first.Dispose();
        File.Delete(Path.Combine(_sandbox.InstancesDirectory, handle.InstanceId + ".handle"));

        var second = _sandbox.CreateDriver();
        var found = second.FindRecordedHandle(handle.InstanceId);

        Assert.Equal(handle, found);
        Assert.True(File.Exists(Path.Combine(_sandbox.InstancesDirectory, handle.InstanceId + ".handle")));
        Assert.Null(second.FindRecordedHandle("i-neverstarted"));
        await second.StopAsync(found!, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(second.IsAlive(handle));
    }

    [Fact]
    public async Task CleanupAsync_StoppedInstance_RemovesItsDirectoryButNotTheSlug()
    {
        var driver = _sandbox.CreateDriver();
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);
        await driver.StopAsync(handle, TimeSpan.FromSeconds(5), CancellationToken.None);

        await driver.CleanupAsync(handle, CancellationToken.None);

        Assert.False(Directory.Exists(handle.InstanceDirectory));
        Assert.Equal(TestApp.Source, await File.ReadAllTextAsync(Path.Combine(_sandbox.SlugDirectory, "app.py")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => driver.CleanupAsync(handle with { InstanceDirectory = _sandbox.SlugDirectory }, CancellationToken.None));
        Assert.True(Directory.Exists(_sandbox.SlugDirectory));
    }

    private static async Task<string> GetInodeAsync(string path) => await RunAsync("stat", "-c", "%i", path);

    private static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
