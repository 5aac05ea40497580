using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sprout.Cli;
using Sprout.Core.Api;

namespace Sprout.Integration.Tests.Cli;

/// <summary>Finding the server and the token, and what the user sees when either is wrong.</summary>
public sealed class CliConnectionTests
{
    [Fact]
    public async Task UnreachableServer_ExitsOne_WithFriendlyMessage()
    {
        using var run = new CliRun();
        var url = $"http://127.0.0.1:{ClosedPort()}";
        run.Environment["SPROUT_URL"] = url;

        var result = await run.RunAsync("status", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains($"cannot reach the Sprout server at {url}", result.Stderr);
        Assert.Contains("sprout server", result.Stderr);
    }

    [Fact]
    public async Task Unauthorized_ExitsOne_AndSaysHowToSetTheToken()
    {
        await using var api = await FakeSproutApi.StartAsync();
        api.RequiredToken = "the-right-one";
        using var run = CliRun.Against(api, token: "a-wrong-one");

        var result = await run.RunAsync("status", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("401", result.Stderr);
        Assert.Contains("SPROUT_TOKEN", result.Stderr);
    }

    [Fact]
    public async Task Token_IsReadFromDataDirectory_WhenNoVariableIsSet()
    {
        await using var api = await FakeSproutApi.StartAsync();
        api.RequiredToken = "from-file";
        api.MapJson("GET", "/api/environments/myapp-dev", Dtos.Environment());
        using var run = new CliRun();
        run.Environment["SPROUT_URL"] = api.Url.ToString();
        var dataDirectory = Path.Combine(run.Root, "data");
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "token"), "from-file\n");
        run.Environment["SPROUT_DATA_DIR"] = dataDirectory;

        var result = await run.RunAsync("status", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }

    [Fact]
    public async Task Token_FallsBackToHomeSproutToken()
    {
        await using var api = await FakeSproutApi.StartAsync();
        api.RequiredToken = "home-token";
        api.MapJson("GET", "/api/environments/myapp-dev", Dtos.Environment());
        using var run = new CliRun();
        run.Environment["SPROUT_URL"] = api.Url.ToString();
        Directory.CreateDirectory(Path.Combine(run.Home, ".sprout"));
        await File.WriteAllTextAsync(Path.Combine(run.Home, ".sprout", "token"), "home-token");

        var result = await run.RunAsync("status", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }

    [Fact]
    public async Task ServerUrl_ComesFromProjectConfig_WhenSproutUrlIsUnset()
    {
        await using var api = await FakeSproutApi.StartAsync();
        api.MapJson("GET", "/api/environments/myapp-dev", Dtos.Environment());
        using var run = new CliRun();
        run.WriteFile(".sprout/config.yml", $"global:\n  application_name: myapp\n  server_url: {api.Url}\nbranch-defaults:\n  default:\n    environment: myapp-dev\n");
        var subdirectory = Path.Combine(run.WorkingDirectory, "src", "deep");
        Directory.CreateDirectory(subdirectory);

        // From a subdirectory: the config is found upward, like git finds .git.
        var result = await RunInAsync(run, subdirectory, "status", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var env = JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options);
        Assert.Equal("myapp-dev", env!.EnvironmentName);
    }

    [Fact]
    public async Task ErrorDtoFromServer_IsShown_AndExitsOne()
    {
        await using var api = await FakeSproutApi.StartAsync();
        using var run = CliRun.Against(api);

        var result = await run.RunAsync("status", "nothere", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("No route for GET /api/environments/nothere", result.Stderr);
        Assert.Contains("not_found", result.Stderr);
    }

    private static async Task<CliResult> RunInAsync(CliRun run, string workingDirectory, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, stdout, stderr, workingDirectory, run.Environment, timeout.Token);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
