using System.Runtime.Versioning;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Runtime;

[SupportedOSPlatform("linux")]
public sealed class InstanceLogRotatorTests : IAsyncLifetime
{
    private readonly RuntimeSandbox _sandbox = RuntimeSandbox.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task RotateIfNeeded_RunningApp_TruncatesInPlaceAndTheAppKeepsAppending()
    {
        var driver = _sandbox.CreateDriver();
        var rotator = new InstanceLogRotator(new ProcessRuntimeOptions(_sandbox.InstancesDirectory) { LogMaxBytes = 1000, LogKeepFiles = 3 });
        var handle = await _sandbox.StartAsync(driver, _sandbox.Spec());
        await RuntimeSandbox.WaitUntilServingAsync(handle);
        var stdout = InstanceDirectoryLayout.LogFile(handle.InstanceDirectory, "stdout");

        Assert.Empty(rotator.RotateIfNeeded(handle.InstanceDirectory));
        for (var i = 0; i < 40; i++)
        {
            await RuntimeSandbox.GetAsync(handle, $"/log?line=before-{i:D2}-{new string('x', 30)}");
        }

        await RuntimeSandbox.WaitForLogAsync(handle, "stdout", "before-39");
        var sizeBefore = new FileInfo(stdout).Length;
        Assert.True(sizeBefore > 1000);

        Assert.Equal(["stdout"], rotator.RotateIfNeeded(handle.InstanceDirectory));

        Assert.Equal(0, new FileInfo(stdout).Length);
        Assert.Equal(sizeBefore, new FileInfo(InstanceDirectoryLayout.RotatedLogFile(handle.InstanceDirectory, "stdout", 1)).Length);

        await RuntimeSandbox.GetAsync(handle, "/log?line=after-rotation");
        await RuntimeSandbox.WaitForLogAsync(handle, "stdout", "after-rotation");

        // O_APPEND: the next write lands at the new end, not at the old offset behind a hole of zeros.
        Assert.Equal("after-rotation\n", await File.ReadAllTextAsync(stdout));
        Assert.True(driver.IsAlive(handle));

        var all = await driver.ReadLogAsync(handle, "stdout", null, CancellationToken.None);
        Assert.Equal($"listening on {handle.Port}", all[0]);
        Assert.StartsWith("before-39", all[^2], StringComparison.Ordinal);
        Assert.Equal("after-rotation", all[^1]);
        Assert.Equal(["after-rotation"], await driver.ReadLogAsync(handle, "stdout", 1, CancellationToken.None));
        Assert.Equal(3, (await driver.ReadLogAsync(handle, "stdout", 3, CancellationToken.None)).Count);
    }

    [Fact]
    public void RotateIfNeeded_ManyRotations_KeepsOnlyTheConfiguredNumberOfFiles()
    {
        var rotator = new InstanceLogRotator(new ProcessRuntimeOptions(_sandbox.InstancesDirectory) { LogMaxBytes = 10, LogKeepFiles = 3 });
        var instance = Path.Combine(_sandbox.InstancesDirectory, "i-rotation");
        Directory.CreateDirectory(InstanceDirectoryLayout.LogsDirectory(instance));
        var stderr = InstanceDirectoryLayout.LogFile(instance, "stderr");

        for (var round = 1; round <= 5; round++)
        {
            File.AppendAllText(stderr, $"round {round} is longer than ten bytes\n");
            Assert.Equal(["stderr"], rotator.RotateIfNeeded(instance));
        }

        Assert.Equal("round 5 is longer than ten bytes\n", File.ReadAllText(InstanceDirectoryLayout.RotatedLogFile(instance, "stderr", 1)));
        Assert.Equal("round 3 is longer than ten bytes\n", File.ReadAllText(InstanceDirectoryLayout.RotatedLogFile(instance, "stderr", 3)));
        Assert.False(File.Exists(InstanceDirectoryLayout.RotatedLogFile(instance, "stderr", 4)));
        Assert.False(File.Exists(InstanceDirectoryLayout.LogFile(instance, "stdout")));
    }

    [Fact]
    public async Task RunAsync_OversizedLog_IsRotatedByTheLoopUntilCancelled()
    {
        var rotator = new InstanceLogRotator(new ProcessRuntimeOptions(_sandbox.InstancesDirectory) { LogMaxBytes = 10 });
        var instance = Path.Combine(_sandbox.InstancesDirectory, "i-loop");
        Directory.CreateDirectory(InstanceDirectoryLayout.LogsDirectory(instance));
        var stdout = InstanceDirectoryLayout.LogFile(instance, "stdout");
        await File.WriteAllTextAsync(stdout, "more than ten bytes of output\n");
        using var cancellation = new CancellationTokenSource();

        var loop = rotator.RunAsync(() => [instance, Path.Combine(_sandbox.InstancesDirectory, "i-missing")], TimeSpan.FromMilliseconds(50), cancellation.Token);
        await Poll.UntilAsync(() => new FileInfo(stdout).Length == 0, "the loop to rotate stdout");
        await cancellation.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(File.Exists(InstanceDirectoryLayout.RotatedLogFile(instance, "stdout", 1)));
    }
}
