namespace Sprout.Integration.Tests.Builds;

/// <summary>Go builds share one workspace so the standard library is compiled into the build cache once.</summary>
public class GoBuildTests(GoBuildTests.SharedWorkspace shared) : IClassFixture<GoBuildTests.SharedWorkspace>
{
    [Fact]
    public async Task Build_GoSample_CompilesAndServes()
    {
        var result = await BuilderSampleTests.BuildAsync(shared.Workspace, "go");

        Assert.Equal("go", result.Platform);
        Assert.Equal("./application", result.StartCommand);
        await BuilderSampleTests.AssertServesAsync(result, "Hello from go! greeting=hi");
    }

    [Fact]
    public async Task Build_GoCompileError_FailsWithTheCompilerMessage_AndLeavesNoSlug()
    {
        var request = shared.Workspace.Bundle(new Dictionary<string, string>
        {
            ["go.mod"] = "module example.com/broken\n\ngo 1.19\n",
            ["main.go"] = "package main\n\nfunc main() {\n\tundefinedFunction()\n}\n",
        });

        var result = await shared.Workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("undefined: undefinedFunction", result.FailureTail);
        Assert.Null(shared.Workspace.Builder.TryGetCached(request.BundleSha256));
        Assert.False(Directory.Exists(Path.Combine(shared.Workspace.Options.SlugsDirectory, request.BundleSha256)));
    }

    public sealed class SharedWorkspace : IDisposable
    {
        public BuilderWorkspace Workspace { get; } = new();

        public void Dispose() => Workspace.Dispose();
    }
}
