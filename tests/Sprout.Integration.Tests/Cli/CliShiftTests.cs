using Sprout.Cli;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Integration.Tests.Cli;

/// <summary>`sprout shift` against a fake API: what it sends, what it refuses before sending, how a refusal and a failure end.</summary>
public sealed class CliShiftTests : IAsyncLifetime
{
    private const string ShiftPath = "/api/environments/myapp-dev/shift";
    private readonly List<EventDto> _events = [];
    private FakeSproutApi _api = null!;
    private CliRun _run = null!;
    private EnvironmentDto _source = Dtos.Environment(status: EnvironmentStatus.Updating);

    public async Task InitializeAsync()
    {
        _api = await FakeSproutApi.StartAsync();
        _run = CliRun.Against(_api);
        _api.Map("GET", "/api/environments/myapp-dev", _ => FakeResponse.Json(_source));
        _api.MapJson("GET", "/api/environments/myapp-green", Dtos.Environment("myapp-green"));
        _api.MapJson("GET", "/api/environments/myapp-dev/health", new EnvironmentHealthDto("myapp-dev", EnvironmentStatus.Ready, HealthColor.Green, "Ok", [], [], Dtos.Now));
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
    public async Task Shift_NoWait_SendsTheCanonicalScheduleAndReturnsAtOnce()
    {
        _api.MapJson("POST", ShiftPath, new ShiftResultDto(_source, Dtos.Environment("myapp-green", EnvironmentStatus.Updating), "50%:30s,100%"), 202);

        var result = await _run.RunAsync("shift", "myapp-dev", "--to", "myapp-green", "--steps", "+50%:30s", "--analyze", "--no-wait");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var sent = Assert.Single(_api.RequestsTo("POST", ShiftPath)).BodyAs<ShiftRequest>();
        Assert.Equal(new ShiftRequest("myapp-green", "50%:30s,100%", Analyze: true), sent);
        Assert.Contains("Shifting myapp-dev's CNAME (myapp-dev.localhost) to myapp-green: 50%:30s,100%", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("myapp-dev", "10%:30s,100%", "cannot shift its CNAME to itself")]
    [InlineData("myapp-green", "10%,100%", "needs a duration")]
    [InlineData("myapp-green", "50%:30s,40%:30s,100%", "percentages must increase")]
    public async Task Shift_SelfOrInvalidSteps_IsAUsageErrorAndSendsNothing(string destination, string steps, string expected)
    {
        var result = await _run.RunAsync("shift", "myapp-dev", "--to", destination, "--steps", steps);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_api.RequestsTo("POST", ShiftPath));
    }

    [Fact]
    public async Task Shift_EitherEnvironmentBusy_ExitsOneWithTheServersReason()
    {
        _api.MapJson("POST", ShiftPath, new ErrorDto("invalid_state", "Environment named myapp-green is in an invalid state for this operation. Must be Ready. (It is Updating: shift.)"), 409);

        var result = await _run.RunAsync("shift", "myapp-dev", "--to", "myapp-green", "--steps", "100%");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("Must be Ready. (It is Updating: shift.)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shift_ShiftedBack_ExitsOneNamingTheFailedStep()
    {
        _api.Map("POST", ShiftPath, _ =>
        {
            lock (_events)
            {
                _events.Add(Dtos.Event(1, "Sending 10 % of traffic to environment myapp-green, 90 % to myapp-dev."));
                _events.Add(Dtos.Event(2, "Step 2 of 3 failed (Evaluating environment myapp-green for 30s with 10 % of traffic): Canary analysis failed: 5xx rate 40 % …", EventSeverity.ERROR));
                _events.Add(Dtos.Event(3, "Sending all traffic back to environment myapp-dev."));
                _events.Add(Dtos.Event(4, "Update environment operation is complete, but with errors.", EventSeverity.ERROR));
            }

            _source = Dtos.Environment();
            return FakeResponse.Json(new ShiftResultDto(Dtos.Environment(status: EnvironmentStatus.Updating), Dtos.Environment("myapp-green", EnvironmentStatus.Updating), "10%:30s,100%"), 202);
        });

        var result = await _run.RunAsync("shift", "myapp-dev", "--to", "myapp-green", "--steps", "10%:30s,100%");

        Assert.True(result.ExitCode == ExitCodes.Failed, result.ToString());
        Assert.Contains("Sending all traffic back to environment myapp-dev.", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("the operation on myapp-dev failed: Step 2 of 3 failed", result.Stderr, StringComparison.Ordinal);
    }
}
