using System.Runtime.Versioning;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Runtime;

[SupportedOSPlatform("linux")]
public sealed class InstanceSupervisorTests : IAsyncLifetime
{
    private static readonly SupervisorOptions FastRestarts = new()
    {
        BackoffInitial = TimeSpan.FromMilliseconds(50),
        BackoffMax = TimeSpan.FromMilliseconds(200),
        CrashLoopThreshold = 3,
        CrashLoopWindow = TimeSpan.FromSeconds(60),
        StableAfter = TimeSpan.FromSeconds(60),
    };

    private readonly RuntimeSandbox _sandbox = RuntimeSandbox.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task KilledInstance_IsRestartedOnTheSamePortAndStopEndsSupervision()
    {
        var driver = _sandbox.CreateDriver();
        var observer = new RecordingInstanceObserver(_sandbox.Track);
        await using var supervisor = new InstanceSupervisor(driver, _sandbox.Spec(), observer, FastRestarts, TimeProvider.System);

        var first = await supervisor.StartAsync(CancellationToken.None);
        await RuntimeSandbox.WaitUntilServingAsync(first);
        RuntimeSandbox.KillGroup(first);

        await Poll.UntilAsync(() => observer.Started.Count == 2, "a restart");
        var second = supervisor.Current!;
        Assert.NotEqual(first.Pid, second.Pid);
        Assert.Equal(first.Port, second.Port);
        Assert.Equal(1, supervisor.Restarts);
        Assert.Equal([(new InstanceExit(128 + 9, 9), TimeSpan.FromMilliseconds(50), 1)], observer.Exited);
        await RuntimeSandbox.WaitUntilServingAsync(second);

        await supervisor.StopAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(driver.IsAlive(second));
        Assert.Equal(2, observer.Started.Count);
        Assert.Single(observer.Exited);
        Assert.Empty(observer.CrashLoops);
    }

    [Fact]
    public async Task InstanceExitingAtOnce_IsReportedAsCrashLoopingWithItsStderr()
    {
        var driver = _sandbox.CreateDriver();
        var observer = new RecordingInstanceObserver(_sandbox.Track);
        await using var supervisor = new InstanceSupervisor(driver, _sandbox.Spec("echo booting; echo 'fatal: no database' >&2; exit 2"), observer, FastRestarts, TimeProvider.System);

        await supervisor.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => !observer.CrashLoops.IsEmpty, "a crash loop report");
        await supervisor.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        var (exits, window, lines) = Assert.Single(observer.CrashLoops);
        Assert.Equal(3, exits);
        Assert.Equal(TimeSpan.FromSeconds(60), window);
        Assert.Equal(Enumerable.Repeat("fatal: no database", 3), lines);
        Assert.Equal(
            [(new InstanceExit(2, null), TimeSpan.FromMilliseconds(50), 1), (new InstanceExit(2, null), TimeSpan.FromMilliseconds(100), 2), (new InstanceExit(2, null), TimeSpan.FromMilliseconds(200), 3)],
            observer.Exited.Take(3));
        Assert.All(observer.Exited.Skip(3), exited => Assert.Equal(TimeSpan.FromMilliseconds(200), exited.RestartIn));
    }

    [Fact]
    public async Task Adopt_AfterServerRestart_SupervisesTheRunningProcess()
    {
        var oldServer = _sandbox.CreateDriver();
        var spec = _sandbox.Spec();
        var handle = await _sandbox.StartAsync(oldServer, spec);
        await RuntimeSandbox.WaitUntilServingAsync(handle);
        oldServer.Dispose();

        var newServer = _sandbox.CreateDriver();
        var observer = new RecordingInstanceObserver(_sandbox.Track);
        await using var supervisor = new InstanceSupervisor(newServer, spec, observer, FastRestarts, TimeProvider.System);
        Assert.True(newServer.TryAdopt(handle));
        supervisor.Adopt(handle);
        Assert.Same(handle, supervisor.Current);
        Assert.Empty(observer.Started);

        RuntimeSandbox.KillGroup(handle);

        await Poll.UntilAsync(() => observer.Started.Count == 1, "a restart of the adopted instance");
        Assert.Equal(new InstanceExit(null, null), Assert.Single(observer.Exited).Exit);
        await RuntimeSandbox.WaitUntilServingAsync(supervisor.Current!);
        await supervisor.StopAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(newServer.IsAlive(supervisor.Current!));
    }

    [Fact]
    public async Task DisposeAsync_Supervisor_LeavesTheProcessRunning()
    {
        var driver = _sandbox.CreateDriver();
        var observer = new RecordingInstanceObserver(_sandbox.Track);
        var supervisor = new InstanceSupervisor(driver, _sandbox.Spec(), observer, FastRestarts, TimeProvider.System);
        var handle = await supervisor.StartAsync(CancellationToken.None);
        await RuntimeSandbox.WaitUntilServingAsync(handle);

        await supervisor.DisposeAsync();

        Assert.True(driver.IsAlive(handle));
        Assert.Equal("hello", await RuntimeSandbox.GetAsync(handle, "/"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => supervisor.StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FailingRestart_IsReportedAndRetried()
    {
        var driver = _sandbox.CreateDriver();
        var observer = new RecordingInstanceObserver(_sandbox.Track);
        var slug = Path.Combine(_sandbox.Root, "short-lived-slug");
        Directory.CreateDirectory(slug);
        var spec = _sandbox.Spec("exit 1") with { SlugDirectory = slug };
        await using var supervisor = new InstanceSupervisor(driver, spec, observer, FastRestarts, TimeProvider.System);

        await supervisor.StartAsync(CancellationToken.None);
        Directory.Delete(slug);

        await Poll.UntilAsync(() => observer.StartFailures.Count >= 2, "two failed restarts");
        await supervisor.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        var failures = observer.StartFailures.ToArray();
        Assert.All(failures, failure => Assert.IsType<DirectoryNotFoundException>(failure.Error));
        Assert.Equal(failures[0].Attempt + 1, failures[1].Attempt);
        Assert.Equal(TimeSpan.FromMilliseconds(200), failures[1].RetryIn);
    }
}
