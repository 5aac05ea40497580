namespace Sprout.Integration.Tests.Builds;

public class BuilderFailureTests : IDisposable
{
    private readonly BuilderWorkspace _workspace = new();

    [Fact]
    public async Task Build_NpmDependencyTarballMissing_FailsWithNpmErrorInTail_AndLeavesNoSlug()
    {
        var request = _workspace.Bundle(new Dictionary<string, string>
        {
            ["package.json"] = """{ "name": "broken", "version": "1.0.0", "dependencies": { "missing": "file:./missing.tgz" } }""",
            ["app.js"] = "",
        });

        var result = await _workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Null(result.SlugDirectory);
        Assert.Contains("npm install --omit=dev", result.FailureTail);
        Assert.Contains("exit code", result.FailureTail);
        Assert.Contains("ENOENT", result.FailureTail);
        Assert.True(result.FailureTail!.Split('\n').Length <= 20);
        Assert.Empty(_workspace.SlugEntries());
        Assert.Null(_workspace.Builder.TryGetCached(request.BundleSha256));
        AssertNoStagingLeft();
        Assert.Contains("exit code", await File.ReadAllTextAsync(result.LogPath));
    }

    [Fact]
    public async Task Build_UndetectableBundle_FailsSayingWhatToAdd()
    {
        var request = _workspace.Bundle(new Dictionary<string, string> { ["README.md"] = "hi" });

        var result = await _workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("could not detect a platform: add a Procfile with a web: line", result.FailureTail);
        Assert.Empty(_workspace.SlugEntries());
    }

    [Fact]
    public async Task Build_BundleZippedWithItsFolder_HintsAtZippingTheContents()
    {
        var request = _workspace.Bundle(new Dictionary<string, string> { ["myapp/index.html"] = "hi" });

        var result = await _workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("inside 'myapp/'", result.FailureTail);
    }

    [Fact]
    public async Task Build_MalformedProcfile_FailsWithTheLineNumber()
    {
        var request = _workspace.Bundle(new Dictionary<string, string> { ["Procfile"] = "web node app.js\n" });

        var result = await _workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("Procfile line 1", result.FailureTail);
    }

    [Fact]
    public async Task Build_PastTheTimeout_KillsTheBuildProcesses_AndFails()
    {
        using var workspace = new BuilderWorkspace(appUser: null, buildTimeout: TimeSpan.FromSeconds(3));
        var pidFile = Path.Combine(workspace.Root, "sleeper.pid");
        var request = workspace.Bundle(new Dictionary<string, string>
        {
            ["package.json"] = $$"""{ "name": "slow", "version": "1.0.0", "dependencies": { "dep": "file:./dep" }, "scripts": { "preinstall": "echo $$ > {{pidFile}}; exec sleep 120" } }""",
            ["dep/package.json"] = """{ "name": "dep", "version": "1.0.0" }""",
            ["app.js"] = "",
        });

        var result = await workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("timed out", result.FailureTail);
        Assert.Empty(workspace.SlugEntries());
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await PollAsync(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(10), $"sleep (pid {pid}) still runs after the build timed out");
    }

    [Fact]
    public async Task Build_AppUserCannotReachTheDataDirectory_FailsSayingHowToFix()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test checks the switch to the app user, which needs root");
        using var workspace = new BuilderWorkspace(appUser: "nobody", buildTimeout: null);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(workspace.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var result = await workspace.Builder.BuildAsync(workspace.Bundle(BuilderWorkspace.Sample("static")), null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("the app user 'nobody' cannot write its staging directory", result.FailureTail);
        Assert.Contains("chmod o+x", result.FailureTail);
    }

    [Fact]
    public async Task Build_UnknownAppUser_FailsNamingTheUser()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test checks the switch to the app user, which needs root");
        using var workspace = new BuilderWorkspace(appUser: "sprout-no-such-user", buildTimeout: null);

        var result = await workspace.Builder.BuildAsync(workspace.Bundle(BuilderWorkspace.Sample("static")), null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("the app user 'sprout-no-such-user' does not exist", result.FailureTail);
    }

    public void Dispose() => _workspace.Dispose();

    private void AssertNoStagingLeft() =>
        Assert.DoesNotContain(Directory.GetDirectories(_workspace.Options.BuildsDirectory), d => !Path.GetFileName(d).StartsWith('.'));

    private static async Task PollAsync(Func<bool> condition, TimeSpan deadline, string failure)
    {
        using var cancellation = new CancellationTokenSource(deadline);
        while (!condition())
        {
            if (cancellation.IsCancellationRequested)
            {
                Assert.Fail(failure);
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
