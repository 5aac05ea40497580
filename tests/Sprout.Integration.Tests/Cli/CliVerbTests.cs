using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Sprout.Cli;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Integration.Tests.Cli;

/// <summary>Each verb against a fake API over real HTTP: what it sends, what it prints, what it returns.</summary>
public sealed class CliVerbTests : IAsyncLifetime
{
    private readonly List<EventDto> _events = [];
    private FakeSproutApi _api = null!;
    private CliRun _run = null!;
    private EnvironmentDto _environment = Dtos.Environment();

    public async Task InitializeAsync()
    {
        _api = await FakeSproutApi.StartAsync();
        _run = CliRun.Against(_api);
        _api.Map("GET", "/api/environments/myapp-dev", _ => FakeResponse.Json(_environment));
        _api.Map("GET", "/api/events", request =>
        {
            var after = long.Parse(request.QueryValue("after") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            lock (_events)
            {
                return FakeResponse.Json(_events.Where(e => e.Id > after).ToList());
            }
        });
    }

    public async Task DisposeAsync()
    {
        _run.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Status_Json_IsTheEnvironmentDto_AndSendsTheBearerToken()
    {
        var result = await _run.RunAsync("status", "myapp-dev", "-a", "myapp", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var env = JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options)!;
        Assert.Equal(_environment.EnvironmentId, env.EnvironmentId);
        Assert.Equal(HealthColor.Green, env.Health);
        Assert.Single(env.Instances);
        Assert.All(_api.Requests, r => Assert.Equal("Bearer test-token", r.Header("Authorization")));
    }

    [Fact]
    public async Task Health_PrintsInstanceTable_AndJsonIsTheHealthDto()
    {
        var health = new EnvironmentHealthDto("myapp-dev", EnvironmentStatus.Ready, HealthColor.Yellow, "Warning", ["1 of 2 instances failing"],
            [
                new InstanceDto("i-00000000000000001", "v1", InstanceState.InService, "Ok", 20001, 10, 0, Dtos.Now, []),
                new InstanceDto("i-00000000000000002", "v1", InstanceState.Unhealthy, "Severe", 20002, 11, 3, Dtos.Now, ["HTTP 5xx on / (3 of 3)"]),
            ],
            Dtos.Now);
        _api.MapJson("GET", "/api/environments/myapp-dev/health", health);

        var table = await _run.RunAsync("health", "myapp-dev", "-a", "myapp");
        var json = await _run.RunAsync("health", "myapp-dev", "-a", "myapp", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        Assert.Contains("instance-id", table.Stdout);
        Assert.Contains("i-00000000000000002  Unhealthy", table.Stdout);
        Assert.Contains("HTTP 5xx on / (3 of 3)", table.Stdout);
        Assert.Contains("1 of 2 instances failing", table.Stdout);
        Assert.Equal(2, JsonSerializer.Deserialize<EnvironmentHealthDto>(json.Stdout, SproutJson.Options)!.Instances.Count);
    }

    [Fact]
    public async Task Init_WritesConfig_AddsGitIgnoreEntry_AndCreatesTheApplication()
    {
        _api.MapJson("POST", "/api/applications", Dtos.Application(), 201);
        _run.WriteFile(".gitignore", "node_modules/");

        var result = await _run.RunAsync("init", "myapp", "--platform", "node", "--server", _api.Url.ToString());

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var config = await File.ReadAllTextAsync(Path.Combine(_run.WorkingDirectory, ".sprout", "config.yml"));
        Assert.Contains("global:", config);
        Assert.Contains("application_name: myapp", config);
        Assert.Contains("default_platform: node", config);
        Assert.Contains($"server_url: {_api.Url.ToString().TrimEnd('/')}", config);
        Assert.Contains("branch-defaults:", config);
        Assert.Equal("node_modules/\n.sprout/\n", await File.ReadAllTextAsync(Path.Combine(_run.WorkingDirectory, ".gitignore")));
        var created = Assert.Single(_api.RequestsTo("POST", "/api/applications"));
        Assert.Equal("myapp", created.BodyAs<CreateApplicationRequest>().Name);
    }

    [Fact]
    public async Task Init_ApplicationAlreadyExists_IsFine_AndRunningTwiceKeepsOneGitIgnoreEntry()
    {
        _api.MapJson("POST", "/api/applications", new ErrorDto("application_exists", "Application myapp exists."), 409);
        _run.WriteFile(".gitignore", "dist\n");

        var first = await _run.RunAsync("init", "myapp");
        var second = await _run.RunAsync("init", "myapp", "--json");

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.True(second.ExitCode == ExitCodes.Success, second.ToString());
        Assert.Equal("dist\n.sprout/\n", await File.ReadAllTextAsync(Path.Combine(_run.WorkingDirectory, ".gitignore")));
        using var json = JsonDocument.Parse(second.Stdout);
        Assert.Equal("myapp", json.RootElement.GetProperty("applicationName").GetString());
    }

    [Fact]
    public async Task Setenv_EmptyValue_SendsOptionsToRemove_AndWaitsForReady()
    {
        _api.Map("POST", "/api/environments/myapp-dev/configuration", _ =>
        {
            AddEvent("Environment update is starting.");
            AddEvent("Environment update completed successfully.");
            return FakeResponse.Json(_environment, 202);
        });

        var result = await _run.RunAsync("setenv", "GREETING=hello world", "OLD=", "-e", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var update = Assert.Single(_api.RequestsTo("POST", "/api/environments/myapp-dev/configuration")).BodyAs<UpdateConfigurationRequest>();
        Assert.Equal([new OptionSetting("aws:elasticbeanstalk:application:environment", "GREETING", "hello world")], update.OptionSettings);
        Assert.Equal([new OptionKey("aws:elasticbeanstalk:application:environment", "OLD")], update.OptionsToRemove);
        Assert.Contains("Environment update completed successfully.", result.Stdout);
    }

    [Fact]
    public async Task ConfigSet_SendsOptionsInTheGivenNamespace()
    {
        _api.MapJson("POST", "/api/environments/myapp-dev/configuration", _environment, 202);

        var result = await _run.RunAsync("config", "set", "myapp-dev", "aws:autoscaling:asg", "MinSize=2", "MaxSize=4", "-a", "myapp", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var update = Assert.Single(_api.RequestsTo("POST", "/api/environments/myapp-dev/configuration")).BodyAs<UpdateConfigurationRequest>();
        Assert.Equal(
            [new OptionSetting("aws:autoscaling:asg", "MinSize", "2"), new OptionSetting("aws:autoscaling:asg", "MaxSize", "4")],
            update.OptionSettings);
        Assert.Equal("myapp-dev", JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options)!.EnvironmentName);
    }

    [Fact]
    public async Task ConfigGet_And_Printenv_ShowOptionSettings()
    {
        _api.MapJson("GET", "/api/environments/myapp-dev/configuration", new ConfigurationDto("myapp-dev",
        [
            new EffectiveOptionDto("aws:autoscaling:asg", "MinSize", "1", "default"),
            new EffectiveOptionDto("aws:elasticbeanstalk:application:environment", "GREETING", "hi", "environment"),
        ]));

        var table = await _run.RunAsync("config", "get", "myapp-dev", "-a", "myapp");
        var printenv = await _run.RunAsync("printenv", "myapp-dev", "-a", "myapp");
        var printenvJson = await _run.RunAsync("printenv", "myapp-dev", "-a", "myapp", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        Assert.Contains("namespace", table.Stdout);
        Assert.Contains("aws:autoscaling:asg", table.Stdout);
        Assert.Contains("default", table.Stdout);
        Assert.Contains("GREETING = hi", printenv.Stdout);
        Assert.DoesNotContain("MinSize", printenv.Stdout);
        Assert.Equal("hi", JsonSerializer.Deserialize<Dictionary<string, string>>(printenvJson.Stdout)!["GREETING"]);
    }

    [Fact]
    public async Task Terminate_Force_FollowsUntilTheEnvironmentIsGone()
    {
        _api.Map("DELETE", "/api/environments/myapp-dev", _ =>
        {
            AddEvent("terminateEnvironment completed successfully.");
            _api.Map("GET", "/api/environments/myapp-dev", _ => FakeResponse.Json(new ErrorDto("not_found", "gone"), 404));
            return FakeResponse.Json(_environment with { Status = EnvironmentStatus.Terminating }, 202);
        });

        var result = await _run.RunAsync("terminate", "myapp-dev", "--force", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Single(_api.RequestsTo("DELETE", "/api/environments/myapp-dev"));
        Assert.Contains("terminated", result.Stdout);
    }

    [Fact]
    public async Task Terminate_Interactive_WrongName_DoesNotTerminate()
    {
        _run.Interactive = true;
        _run.Stdin = "something-else\n";

        var result = await _run.RunAsync("terminate", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Empty(_api.RequestsTo("DELETE", "/api/environments/myapp-dev"));
    }

    [Fact]
    public async Task Terminate_WithoutForce_NonInteractive_SendsNothing()
    {
        var result = await _run.RunAsync("terminate", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Deploy_UploadsTheProjectZip_WithItsSha256_ThenDeploysAndSucceeds()
    {
        WriteProject();
        MapUploadAndBuild(VersionStatus.Processed);
        _api.Map("POST", "/api/environments/myapp-dev/deploy", request =>
        {
            var before = EventCount;
            AddEvent("Environment update is starting.");
            AddEvent("Instance deployment completed successfully.");
            AddEvent("Environment update completed successfully.");
            _environment = _environment with { VersionLabel = request.BodyAs<DeployRequest>().VersionLabel };
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 2, before);
        });

        var result = await _run.RunAsync("deploy", "--label", "v7", "--message", "first cut");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var upload = Assert.Single(_api.RequestsTo("POST", "/api/applications/myapp/versions"));
        Assert.Equal("v7", upload.QueryValue("label"));
        Assert.Equal("first cut", upload.QueryValue("description"));
        Assert.Equal("application/zip", upload.Header("Content-Type"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(upload.Body)), upload.Header("X-Content-Sha256"));
        using (var zip = new ZipArchive(new MemoryStream(upload.Body)))
        {
            Assert.Equal([".ebextensions/env.config", ".gitignore", "app.js", "package.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        Assert.Equal("v7", Assert.Single(_api.RequestsTo("POST", "/api/environments/myapp-dev/deploy")).BodyAs<DeployRequest>().VersionLabel);
        Assert.Contains("Environment update completed successfully.", result.Stdout);
        Assert.DoesNotContain("Old event", result.Stdout);
    }

    [Fact]
    public async Task Deploy_OutsideAProject_LearnsTheApplicationFromTheEnvironment()
    {
        _run.WriteFile("app.js", "console.log('no config here')");
        MapUploadAndBuild(VersionStatus.Processed);
        _api.MapJson("POST", "/api/environments/myapp-dev/deploy", _environment, 202);

        var result = await _run.RunAsync("deploy", "myapp-dev", "--label", "v3");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var upload = Assert.Single(_api.RequestsTo("POST", "/api/applications/myapp/versions"));
        using var zip = new ZipArchive(new MemoryStream(upload.Body));
        Assert.Equal(["app.js"], zip.Entries.Select(e => e.FullName));
        Assert.False(Directory.Exists(Path.Combine(_run.WorkingDirectory, ".sprout")));
    }

    [Fact]
    public async Task Terminate_WithoutApplication_FollowsTheEnvironmentByName()
    {
        _api.Map("DELETE", "/api/environments/myapp-dev", _ =>
        {
            _environment = _environment with { Status = EnvironmentStatus.Terminated };
            return FakeResponse.Json(_environment, 202);
        });

        var result = await _run.RunAsync("terminate", "myapp-dev", "--force", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(EnvironmentStatus.Terminated, JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options)!.Status);
        Assert.All(_api.RequestsTo("GET", "/api/events"), r => Assert.Null(r.QueryValue("application")));
    }

    [Fact]
    public async Task Deploy_FailureEvent_ExitsOne_AndNamesTheCause()
    {
        WriteProject();
        MapUploadAndBuild(VersionStatus.Processed);
        _api.Map("POST", "/api/environments/myapp-dev/deploy", _ =>
        {
            var before = EventCount;
            AddEvent("Instance i-0a1b2c3d4e5f6a7b8 failed its health check.", EventSeverity.WARN);
            AddEvent("Failed to deploy application.", EventSeverity.ERROR);
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 2, before);
        });
        _api.MapJson("GET", "/api/environments/myapp-dev/health", new EnvironmentHealthDto("myapp-dev", EnvironmentStatus.Ready, HealthColor.Green, "Ok",
            ["Rolled back to v1"], [], Dtos.Now));

        var result = await _run.RunAsync("deploy", "--json");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("failed: Failed to deploy application.", result.Stderr);
        Assert.Contains("Rolled back to v1", result.Stderr);
        // Under --json, stdout holds only the final environment; progress went to stderr.
        Assert.Equal("myapp-dev", JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options)!.EnvironmentName);
        Assert.Contains("Failed to deploy application.", result.Stderr);
    }

    [Fact]
    public async Task Deploy_EnvironmentEndsRed_ExitsOne()
    {
        WriteProject();
        MapUploadAndBuild(VersionStatus.Processed);
        _api.Map("POST", "/api/environments/myapp-dev/deploy", _ =>
        {
            var before = EventCount;
            _environment = _environment with { Health = HealthColor.Red, HealthStatus = "Severe" };
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 2, before);
        });

        var result = await _run.RunAsync("deploy");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("health is Red", result.Stderr);
    }

    [Fact]
    public async Task Create_BuildFails_PrintsTheBuildLogTail_AndCreatesNoEnvironment()
    {
        WriteProject();
        MapUploadAndBuild(VersionStatus.Failed, failure: "npm install exited with 1");
        var log = string.Join('\n', Enumerable.Range(1, 100).Select(i => $"build line {i}"));
        _api.Map("GET", "/api/applications/myapp/versions/v9/build-log", _ => FakeResponse.Text(log));

        var result = await _run.RunAsync("create", "--label", "v9");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("npm install exited with 1", result.Stderr);
        Assert.Contains("build line 100", result.Stderr);
        Assert.DoesNotContain("build line 10\n", result.Stderr);
        Assert.Empty(_api.RequestsTo("POST", "/api/environments"));
    }

    [Fact]
    public async Task Create_LaunchesTheEnvironment_RecordsItAsDefault_AndPrintsTheUrl()
    {
        WriteProject(defaultEnvironment: null);
        MapUploadAndBuild(VersionStatus.Processed);
        _api.Map("POST", "/api/environments", request =>
        {
            var body = request.BodyAs<CreateEnvironmentRequest>();
            _environment = Dtos.Environment(body.EnvironmentName, EnvironmentStatus.Launching, HealthColor.Grey, body.VersionLabel);
            _api.Map("GET", $"/api/environments/{body.EnvironmentName}", _ => FakeResponse.Json(_environment));
            AddEvent("createEnvironment is starting.", environment: body.EnvironmentName);
            AddEvent($"Successfully launched environment: {body.EnvironmentName}", environment: body.EnvironmentName);
            var launching = _environment;
            _environment = _environment with { Status = EnvironmentStatus.Ready, Health = HealthColor.Green };
            return FakeResponse.Json(launching, 202);
        });

        var result = await _run.RunAsync("create", "--label", "v9", "--instances", "2", "--cname", "myapp-web", "--envvars", "A=1,B=two");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var request = Assert.Single(_api.RequestsTo("POST", "/api/environments")).BodyAs<CreateEnvironmentRequest>();
        Assert.Equal("myapp-dev", request.EnvironmentName);
        Assert.Equal("myapp", request.ApplicationName);
        Assert.Equal("v9", request.VersionLabel);
        Assert.Equal(2, request.Instances);
        Assert.Equal("myapp-web", request.CnamePrefix);
        Assert.Equal(["A", "B"], request.OptionSettings!.Select(o => o.OptionName));
        Assert.Contains("Successfully launched environment: myapp-dev", result.Stdout);
        Assert.Contains("URL: http://myapp-dev.localhost:8080", result.Stdout);
        var config = await File.ReadAllTextAsync(Path.Combine(_run.WorkingDirectory, ".sprout", "config.yml"));
        Assert.Contains("environment: myapp-dev", config);
    }

    [Fact]
    public async Task Create_WithExistingVersion_UploadsNothing()
    {
        WriteProject(defaultEnvironment: null);
        _api.MapJson("POST", "/api/applications", new ErrorDto("application_exists", "exists"), 409);
        _api.MapJson("GET", "/api/applications/myapp/versions/v1", Dtos.Version("v1"));
        _api.MapJson("POST", "/api/environments", Dtos.Environment(status: EnvironmentStatus.Launching), 202);

        var result = await _run.RunAsync("create", "myapp-dev", "--version", "v1", "--nohang", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Empty(_api.RequestsTo("POST", "/api/applications/myapp/versions"));
        Assert.Equal(EnvironmentStatus.Launching, JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options)!.Status);
    }

    [Fact]
    public async Task Events_Json_IsAnArrayOfTheNewest_AscendingById()
    {
        for (var i = 0; i < 8; i++)
        {
            AddEvent($"event {i + 1}");
        }

        var result = await _run.RunAsync("events", "myapp-dev", "-a", "myapp", "--limit", "3", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var events = JsonSerializer.Deserialize<List<EventDto>>(result.Stdout, SproutJson.Options)!;
        Assert.Equal(["event 6", "event 7", "event 8"], events.Select(e => e.Message));
    }

    [Fact]
    public async Task Logs_PrintsEachInstanceStream_AndAsksForAllLines()
    {
        _api.MapJson("GET", "/api/environments/myapp-dev/logs", new LogsDto("myapp-dev",
            [new InstanceLogDto("i-0a1b2c3d4e5f6a7b8", "stdout", ["listening on 20001", "GET / 200"])]));

        var result = await _run.RunAsync("logs", "myapp-dev", "-a", "myapp", "--all");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("==> i-0a1b2c3d4e5f6a7b8 (stdout) <==", result.Stdout);
        Assert.Contains("GET / 200", result.Stdout);
        Assert.Equal("all", Assert.Single(_api.RequestsTo("GET", "/api/environments/myapp-dev/logs")).QueryValue("lines"));
    }

    [Fact]
    public async Task Logs_Stream_CopiesLinesUntilTheServerEnds()
    {
        _api.Map("GET", "/api/environments/myapp-dev/logs/stream", _ => FakeResponse.Text("i-1 | stdout | hello\ni-1 | stderr | oops\n"));

        var result = await _run.RunAsync("logs", "myapp-dev", "-a", "myapp", "--stream", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["hello", "oops"], lines.Select(l => l.GetProperty("line").GetString()));
        Assert.Equal("stderr", lines[1].GetProperty("stream").GetString());
    }

    [Fact]
    public async Task List_And_Versions_PrintTables()
    {
        WriteProject();
        _api.MapJson("GET", "/api/environments", new[] { _environment, Dtos.Environment("myapp-prod") });
        _api.MapJson("GET", "/api/applications/myapp/versions", new[] { Dtos.Version("v1"), Dtos.Version("v2", VersionStatus.Failed, "no start command") });

        var list = await _run.RunAsync("list");
        var versions = await _run.RunAsync("versions");

        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        Assert.Equal("myapp", Assert.Single(_api.RequestsTo("GET", "/api/environments")).QueryValue("application"));
        Assert.Contains("* myapp-dev", list.Stdout);
        Assert.Contains("  myapp-prod", list.Stdout);
        Assert.True(versions.ExitCode == ExitCodes.Success, versions.ToString());
        Assert.Contains("build failed: no start command", versions.Stdout);
    }

    [Fact]
    public async Task Open_PrintsTheUrl_WithoutLaunchingABrowserWhenNotATerminal()
    {
        var result = await _run.RunAsync("open", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("http://myapp-dev.localhost:8080", result.Stdout.Trim());
    }

    [Fact]
    public async Task Scale_PostsTheCount_AndWaits()
    {
        _api.MapJson("POST", "/api/environments/myapp-dev/scale", _environment, 202);

        var result = await _run.RunAsync("scale", "3", "myapp-dev", "-a", "myapp");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(3, Assert.Single(_api.RequestsTo("POST", "/api/environments/myapp-dev/scale")).BodyAs<ScaleRequest>().Instances);
    }

    private long EventCount
    {
        get
        {
            lock (_events)
            {
                return _events.Count;
            }
        }
    }

    private void AddEvent(string message, EventSeverity severity = EventSeverity.INFO, string environment = "myapp-dev")
    {
        lock (_events)
        {
            _events.Add(Dtos.Event(_events.Count + 1, message, severity, environment));
        }
    }

    private void WriteProject(string? defaultEnvironment = "myapp-dev")
    {
        AddEvent("Old event from an earlier deployment.");
        _run.WriteFile(".sprout/config.yml", $"global:\n  application_name: myapp\nbranch-defaults:\n  default:\n    environment: {defaultEnvironment}\n");
        _run.WriteFile(".gitignore", "node_modules/\n*.log\n");
        _run.WriteFile("app.js", "require('http').createServer((q, s) => s.end('hi')).listen(process.env.PORT)");
        _run.WriteFile("package.json", "{\"name\":\"myapp\"}");
        _run.WriteFile(".ebextensions/env.config", "option_settings: []");
        _run.WriteFile("node_modules/dep/index.js", "ignored");
        _run.WriteFile("debug.log", "ignored");
    }

    /// <summary>Upload answers Processing; the first poll still says Processing, the next one the final status.</summary>
    private void MapUploadAndBuild(VersionStatus final, string? failure = null)
    {
        _api.MapJson("POST", "/api/applications", Dtos.Application(), 201);
        _api.Map("POST", "/api/applications/myapp/versions", request =>
        {
            var label = request.QueryValue("label")!;
            var polls = 0;
            _api.Map("GET", $"/api/applications/myapp/versions/{label}", _ =>
                FakeResponse.Json(Interlocked.Increment(ref polls) < 2 ? Dtos.Version(label, VersionStatus.Processing) : Dtos.Version(label, final, failure)));
            return FakeResponse.Json(Dtos.Version(label, VersionStatus.Processing), 201);
        });
    }
}
