using System.Text.Json;
using Sprout.Cli;
using Sprout.Core.Api;
using Sprout.Core.Model;
using static Sprout.Integration.Tests.Cli.ProgressDocuments;

namespace Sprout.Integration.Tests.Cli;

/// <summary><c>sprout deploy</c> with the deployment progress API: lines per step, the exit code and the cause, --json.</summary>
public sealed class CliDeployProgressTests : IAsyncLifetime
{
    private readonly List<EventDto> _events = [];
    private FakeSproutApi _api = null!;
    private CliRun _run = null!;
    private EnvironmentDto _environment = Dtos.Environment();
    private DeploymentProgressDto? _deployment;

    public async Task InitializeAsync()
    {
        _api = await FakeSproutApi.StartAsync();
        _run = CliRun.Against(_api);
        _api.Map("GET", "/api/environments/myapp-dev", _ => FakeResponse.Json(_environment));
        _api.Map("GET", "/api/environments/myapp-dev/deployment", _ => _deployment is null
            ? FakeResponse.Json(new ErrorDto("deployment_not_found", "none"), 404)
            : FakeResponse.Json(_deployment));
        _api.Map("GET", "/api/events", request =>
        {
            var after = long.Parse(request.QueryValue("after") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            lock (_events)
            {
                return FakeResponse.Json(_events.Where(e => e.Id > after).ToList());
            }
        });
        _api.MapJson("POST", "/api/applications", Dtos.Application(), 201);
        _api.MapJson("GET", "/api/applications/myapp/versions/v2", Dtos.Version("v2"));
        _api.MapJson("GET", "/api/environments/myapp-dev/health", new EnvironmentHealthDto("myapp-dev", EnvironmentStatus.Ready, HealthColor.Green, "Ok", [], [], Dtos.Now));
    }

    public async Task DisposeAsync()
    {
        _run.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Deploy_StepsThenSuccess_PrintsALinePerStepTransition_AndExitsZero()
    {
        var polls = 0;
        var state = Rolling();
        _api.Map("POST", "/api/environments/myapp-dev/deploy", _ =>
        {
            var before = EventCount;
            AddEvent("Environment update is starting.");
            _environment = _environment with { Status = EnvironmentStatus.Updating };
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 3, before);
        });
        // Each read of the environment moves the deployment on by three steps; Ready once all eight succeeded.
        _api.Map("GET", "/api/environments/myapp-dev", _ =>
        {
            if (_environment.Status == EnvironmentStatus.Updating)
            {
                var done = Math.Min(8, 3 * ++polls);
                _deployment = Describe(Succeed(state, done), deploymentId: 3) with { EndedAt = done == 8 ? T0.AddSeconds(8) : null };
                if (done == 8)
                {
                    AddEvent("Environment update completed successfully.");
                    _environment = _environment with { Status = EnvironmentStatus.Ready, VersionLabel = "v2" };
                }
            }

            return FakeResponse.Json(_environment);
        });

        var result = await _run.RunAsync("deploy", "myapp-dev", "--version", "v2");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.StartsWith("Deployment 3 to web-env: Rolling deployment of v2 to 4 instance(s) in 2 batch(es) of 2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ step 1/8 [batch 1/2]: Batch 1: Taking instance(s) [i-1, i-2] out of service", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ step 8/8 [batch 2/2]: Batch 2: Completed application deployment", StringComparison.Ordinal));
        Assert.Equal(8, lines.Count(l => l.StartsWith("✓ step ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("Deployment 3 finished: Succeeded after 0:08. batch 2/2 (2 done)", StringComparison.Ordinal));
        Assert.Contains("Environment update completed successfully.", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.Stdout);

        // An existing version goes straight to the request; marks come back in its answer, not from calls before it.
        var first = _api.Requests[0];
        Assert.Equal(("POST", "/api/environments/myapp-dev/deploy"), (first.Method, first.Path));
    }

    [Fact]
    public async Task Deploy_OnATerminal_RedrawsTheBlockInPlace_WithEventsScrollingAboveIt()
    {
        var state = Rolling();
        var polls = 0;
        _api.Map("POST", "/api/environments/myapp-dev/deploy", _ =>
        {
            var before = EventCount;
            AddEvent("Environment update is starting.");
            _environment = _environment with { Status = EnvironmentStatus.Updating };
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 3, before);
        });
        _api.Map("GET", "/api/environments/myapp-dev", _ =>
        {
            if (_environment.Status == EnvironmentStatus.Updating)
            {
                var done = Math.Min(8, 4 * ++polls);
                _deployment = Describe(Succeed(state, done), deploymentId: 3);
                AddEvent($"{done} steps done.");
                _environment = done == 8 ? _environment with { Status = EnvironmentStatus.Ready, VersionLabel = "v2" } : _environment;
            }

            return FakeResponse.Json(_environment);
        });
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            IsOutputInteractive = true,
            WorkingDirectory = _run.WorkingDirectory,
            Environment = _run.Environment,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var code = await CliApp.RunAsync(["deploy", "myapp-dev", "--version", "v2"], context, timeout.Token);

        var text = stdout.ToString();
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{text}\n{stderr}");
        var block = DeploymentProgressRendererBlockLines(Describe(Succeed(state, 4), deploymentId: 3));
        // The first block is erased by moving up over exactly its lines; the next event prints where it was.
        Assert.Contains($"\u001b[{block}F\u001b[J", text, StringComparison.Ordinal);
        var final = text[(text.LastIndexOf("\u001b[J", StringComparison.Ordinal) + 3)..];
        var lines = final.Split('\n');
        Assert.EndsWith("INFO   4 steps done.", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("INFO   8 steps done.", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("Deployment 3 to web-env: v1 → v2, Rolling, succeeded", lines[2], StringComparison.Ordinal);
        Assert.Contains("  ✓ step 8/8 [batch 2/2]", final, StringComparison.Ordinal);
        Assert.Contains("batch 2/2 (2 done)", final, StringComparison.Ordinal);
        Assert.Contains("instance-id", final, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_DeploymentInProgress_SaysWhereItIs()
    {
        _deployment = Describe(Succeed(Rolling(), 5).Started(5, T0.AddSeconds(5)), deploymentId: 3);

        var result = await _run.RunAsync("status", "myapp-dev");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("  Deployment: 3 (Rolling, v1 → v2) in progress, at step 6/8 [batch 2/2], elapsed 0:30; batch 2/2 (1 done), in service 4/4 (plan keeps at least 2), steps 5/8 done",
            result.Stdout, StringComparison.Ordinal);
    }

    private static int DeploymentProgressRendererBlockLines(DeploymentProgressDto progress) =>
        Sprout.Cli.Output.DeploymentProgressRenderer.Block(progress, 120).Count;

    [Fact]
    public async Task Deploy_FailedStep_ExitsOne_LastLineNamesTheCause_AndJsonIsTheDeployment()
    {
        _deployment = Describe(Succeed(Rolling(), 8), deploymentId: 2);
        _api.Map("POST", "/api/environments/myapp-dev/deploy", _ =>
        {
            var before = EventCount;
            AddEvent("Failed to deploy application.", EventSeverity.ERROR);
            _deployment = Describe(FailNext(Succeed(Rolling(), 2)), deploymentId: 3);
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 3, before);
        });

        var result = await _run.RunAsync("deploy", "myapp-dev", "--version", "v2", "--json");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        var deployment = JsonSerializer.Deserialize<DeploymentProgressDto>(result.Stdout, SproutJson.Options)!;
        Assert.Equal((3L, DeploymentProgressPhase.Finished), (deployment.DeploymentId, deployment.Phase));
        Assert.Equal(Core.Deployments.DeploymentResult.Failed, deployment.Outcome!.Result);
        Assert.Contains("ended Failed: Failed to deploy application. Batch 1 of 2 failed and stays out of service", result.Stderr, StringComparison.Ordinal);
        var last = result.Stderr.TrimEnd().Split('\n')[^1];
        Assert.Equal($"sprout: cause: step 3/8 [batch 1/2] (Batch 1: Waiting for instance(s) [i-1, i-2] to pass health checks (up to 600 s)) failed: {HealthDetail}", last);
    }

    [Fact]
    public async Task Deploy_ServerShowsOnlyAnEarlierDeployment_FallsBackToEvents()
    {
        // The version failed before a plan existed: the document is still the previous deployment's, which is not ours.
        _deployment = Describe(FailNext(Succeed(Rolling(), 2)), deploymentId: 2);
        _api.Map("POST", "/api/environments/myapp-dev/deploy", _ =>
        {
            var before = EventCount;
            AddEvent("Failed to deploy application.", EventSeverity.ERROR);
            return FakeResponse.DeploymentStarted(_environment, deploymentId: 3, before);
        });

        var result = await _run.RunAsync("deploy", "myapp-dev", "--version", "v2", "--json");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Equal("myapp-dev", JsonSerializer.Deserialize<EnvironmentDto>(result.Stdout, SproutJson.Options)!.EnvironmentName);
        Assert.Contains("the operation on myapp-dev failed: Failed to deploy application.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sprout: cause: step", result.Stderr, StringComparison.Ordinal);
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

    private void AddEvent(string message, EventSeverity severity = EventSeverity.INFO)
    {
        lock (_events)
        {
            _events.Add(Dtos.Event(_events.Count + 1, message, severity));
        }
    }
}
