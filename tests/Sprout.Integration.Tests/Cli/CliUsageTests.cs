using Sprout.Cli;

namespace Sprout.Integration.Tests.Cli;

/// <summary>Command lines the CLI must refuse with exit code 2 before talking to any server.</summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly CliRun _run = new();

    public CliUsageTests()
    {
        // Nothing listens here; a usage error must not even try.
        _run.Environment["SPROUT_URL"] = "http://127.0.0.1:9";
    }

    public void Dispose() => _run.Dispose();

    [Theory]
    [InlineData("bogus")]
    [InlineData("create", "--instances", "many", "-a", "myapp")]
    [InlineData("create", "--instances", "0", "-a", "myapp")]
    [InlineData("deploy", "--timeout", "-3", "-a", "myapp", "myapp-dev")]
    [InlineData("scale", "-a", "myapp")]
    [InlineData("scale", "zero", "-a", "myapp")]
    [InlineData("config", "set", "myapp-dev")]
    [InlineData("events", "--limit", "0", "-a", "myapp", "myapp-dev")]
    [InlineData("server", "--api-port", "70000")]
    [InlineData("server", "--api-address", "not-an-ip")]
    public async Task ParseErrors_ExitTwo_WithHintOnStderr(params string[] args)
    {
        var result = await _run.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--help' for usage", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task NoApplicationConfigured_ExitsTwo_AndSaysHowToFixIt()
    {
        var result = await _run.RunAsync("versions");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("sprout init", result.Stderr);
    }

    [Fact]
    public async Task NoEnvironmentGivenOrDefaulted_ExitsTwo()
    {
        var result = await _run.RunAsync("health", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("No environment", result.Stderr);
    }

    [Theory]
    [InlineData("setenv", "NOEQUALS", "-e", "myapp-dev", "-a", "myapp")]
    [InlineData("setenv", "=value", "-e", "myapp-dev", "-a", "myapp")]
    [InlineData("create", "-a", "myapp", "--envvars", "A=1,B")]
    [InlineData("create", "bad_name!", "-a", "myapp")]
    [InlineData("create", "-a", "myapp", "--single", "--instances", "3")]
    [InlineData("init", "bad/name")]
    [InlineData("config", "set", "myapp-dev", "MinSize=2", "MaxSize=3", "-a", "myapp")]
    public async Task InvalidValues_ExitTwo(params string[] args)
    {
        var result = await _run.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.DoesNotContain("cannot reach", result.Stderr);
    }

    [Fact]
    public async Task Terminate_WithoutForce_WhenStdinIsNotATerminal_ExitsTwo_AndExplainsForce()
    {
        _run.Interactive = false;

        var result = await _run.RunAsync("terminate", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--force", result.Stderr);
    }

    [Fact]
    public async Task Help_ExitsZero_AndDescribesEveryVerb()
    {
        var result = await _run.RunAsync("--help");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        foreach (var verb in new[] { "server", "init", "create", "deploy", "status", "health", "events", "logs", "list", "versions", "open", "setenv", "printenv", "scale", "terminate", "config" })
        {
            Assert.Contains($"  {verb}", result.Stdout);
        }
    }

    [Fact]
    public async Task VerbHelp_ListsOptionsWithDescriptions()
    {
        var result = await _run.RunAsync("deploy", "--help");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("--version <LABEL>", result.Stdout);
        Assert.Contains("--nohang", result.Stdout);
        Assert.Contains("--json", result.Stdout);
    }
}
