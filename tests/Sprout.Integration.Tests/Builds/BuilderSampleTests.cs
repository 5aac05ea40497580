using System.Net;
using Sprout.Server.Builds;

namespace Sprout.Integration.Tests.Builds;

public class BuilderSampleTests : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly BuilderWorkspace _workspace = new();

    [Theory]
    [InlineData("node", "npm start")]
    [InlineData("python", ".venv/bin/python .sprout/wsgi_runner.py")]
    [InlineData("procfile", "node web.js")]
    public async Task Build_Sample_ServesGreetingFromItsStartCommand(string sample, string expectedStart)
    {
        var result = await BuildAsync(_workspace, sample);

        Assert.Equal(sample, result.Platform);
        Assert.Equal(expectedStart, result.StartCommand);
        await AssertServesAsync(result, $"Hello from {sample}! greeting=hi");
    }

    [Fact]
    public async Task Build_StaticSample_ServesIndexHtml()
    {
        var result = await BuildAsync(_workspace, "static");

        Assert.Equal("static", result.Platform);
        await AssertServesAsync(result, "Hello from static!");
    }

    [Fact]
    public async Task Build_DotnetSample_PublishesOfflineAndServes()
    {
        var result = await BuildAsync(_workspace, "dotnet");

        Assert.Equal("dotnet", result.Platform);
        Assert.Equal("dotnet .sprout/publish/hello.dll --urls http://127.0.0.1:$PORT", result.StartCommand);
        Assert.True(File.Exists(Path.Combine(result.SlugDirectory!, ".sprout/publish/hello.dll")));
        await AssertServesAsync(result, "Hello from dotnet! greeting=hi");
    }

    [Fact]
    public async Task Build_NodeWithLocalDependency_InstallsItAsTheAppUser_AndSealsTheSlug()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test checks the switch to the app user, which needs root");
        using var workspace = new BuilderWorkspace(appUser: "nobody", buildTimeout: null);
        var request = workspace.Bundle(new Dictionary<string, string>
        {
            ["package.json"] = """{ "name": "app", "version": "1.0.0", "dependencies": { "greeter": "file:./greeter" }, "scripts": { "postinstall": "id -un > built-by.txt" } }""",
            ["app.js"] = """
                const http = require('http');
                const greet = require('greeter');
                http.createServer((q, r) => r.end(greet() + ' whoami-at-build=' + require('fs').readFileSync('built-by.txt', 'utf8').trim()))
                  .listen(Number(process.env.PORT), '127.0.0.1');
                """,
            ["greeter/package.json"] = """{ "name": "greeter", "version": "1.0.0", "main": "index.js" }""",
            ["greeter/index.js"] = "module.exports = () => 'Hello from node! greeting=' + (process.env.GREETING || '');",
        });

        var result = await workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureTail);
        Assert.Equal("node app.js", result.StartCommand);
        Assert.True(Directory.Exists(Path.Combine(result.SlugDirectory!, "node_modules", "greeter")));
        Assert.Equal("", await RunAsync("/usr/bin/find", result.SlugDirectory!, "!", "-user", "root"));
        Assert.Equal("", await RunAsync("/usr/bin/find", result.SlugDirectory!, "-perm", "-o+w", "!", "-type", "l"));
        await AssertServesAsync(result, "Hello from node! greeting=hi whoami-at-build=nobody");
    }

    [Fact]
    public async Task Build_Progress_StreamsTheLogLines()
    {
        var lines = new List<string>();
        var progress = new SynchronousProgress(line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        });

        var result = await _workspace.Builder.BuildAsync(_workspace.Bundle(BuilderWorkspace.Sample("python")), progress, CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureTail);
        Assert.Contains(lines, l => l.Contains("Detecting the platform"));
        Assert.Contains(lines, l => l.Contains("python: application.py") || l.Contains("python: requirements.txt"));
        Assert.Equal(lines, (await File.ReadAllLinesAsync(result.LogPath)).ToList());
    }

    public void Dispose() => _workspace.Dispose();

    internal static async Task<BuildResult> BuildAsync(BuilderWorkspace workspace, string sample)
    {
        var request = workspace.Bundle(BuilderWorkspace.Sample(sample));
        var result = await workspace.Builder.BuildAsync(request, null, CancellationToken.None);
        Assert.True(result.Succeeded, $"build failed:\n{result.FailureTail}");
        Assert.False(result.Cached);
        Assert.Equal(Path.Combine(workspace.Options.SlugsDirectory, request.BundleSha256), result.SlugDirectory);
        Assert.Equal(new SlugManifest(result.Platform!, result.StartCommand!, default, request.BundleSha256), SlugManifest.Load(result.SlugDirectory!)! with { BuiltAt = default });
        Assert.True(File.Exists(result.LogPath));
        return result;
    }

    internal static async Task AssertServesAsync(BuildResult result, string expectedText)
    {
        await using var app = RunningSlug.Start(result.SlugDirectory!, result.StartCommand!, new Dictionary<string, string>
        {
            ["GREETING"] = "hi",
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        });

        var (status, body) = await app.GetWhenUpAsync("/", StartDeadline);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(expectedText, body);

        var (healthStatus, _) = await app.GetWhenUpAsync("/health", StartDeadline);
        Assert.Equal(HttpStatusCode.OK, healthStatus);
    }

    private static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
