using System.Text.Json;
using Sprout.Cli;
using Sprout.Core.Api;
using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.Cli;

/// <summary><c>sprout health</c> against a fake API: the enhanced columns, <c>--json</c>, and <c>--refresh</c> without a terminal.</summary>
public sealed class CliHealthTests : IAsyncLifetime
{
    private FakeSproutApi _api = null!;
    private CliRun _run = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeSproutApi.StartAsync();
        _run = CliRun.Against(_api);
        _api.MapJson("GET", "/api/environments/myapp-dev/health", new EnvironmentHealthDto("myapp-dev", EnvironmentStatus.Ready, HealthColor.Red, "Severe",
            ["100 % of the requests are failing with HTTP 5xx (40 of 40 in the last 10 seconds)."],
            [new InstanceDto("i-00000000000000001", "v1", InstanceState.InService, "Severe", 20001, 10, 0, Dtos.Now, [])],
            Dtos.Now));
        _api.MapJson("GET", "/api/environments/myapp-dev/health/environment", new EnvironmentHealthDescriptionDto("myapp-dev", HealthStatus.Severe, EnvironmentStatus.Ready, HealthColor.Red,
            ["100 % of the requests are failing with HTTP 5xx (40 of 40 in the last 10 seconds)."],
            new ApplicationMetricsDto(10, 4, new StatusCodesDto(0, 0, 0, 100), new LatencyDto(0.2, 0.05, 0.01, 0.009, 0.008, 0.006, 0.004, 0.001)),
            new InstanceHealthSummaryDto(0, 0, 0, 0, 0, 0, 0, 1),
            Dtos.Now));
        _api.MapJson("GET", "/api/environments/myapp-dev/health/instances", new InstancesHealthDescriptionDto(
            [
                new SingleInstanceHealthDto("i-00000000000000001", HealthStatus.Severe, HealthColor.Red, ["100 % of the requests are failing with HTTP 5xx."], Dtos.Now,
                    new ApplicationMetricsDto(10, 4, new StatusCodesDto(0, 0, 0, 40), new LatencyDto(0.2, 0.05, 0.01, 0.009, 0.008, 0.006, 0.004, 0.001)),
                    new SystemStatusDto(new CpuUtilizationDto(12.5, 0, 2.5, 85, 0, 0, 0, null), [0.5, 0.4, 0.3], 52_428_800),
                    new InstanceDeploymentDto("v1", 3, "Deployed", Dtos.Now), "host", "process"),
            ],
            Dtos.Now));
    }

    [Fact]
    public async Task Health_ShowsRequestsLatencyErrorsCpuAndMemoryPerInstance()
    {
        var table = await _run.RunAsync("health", "myapp-dev", "-a", "myapp");
        var json = await _run.RunAsync("health", "myapp-dev", "-a", "myapp", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        Assert.Contains("requests: 4/s over 10 s", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("5xx 100 %", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("p99 50 ms", table.Stdout, StringComparison.Ordinal);
        var row = table.Stdout.Split('\n').Single(l => l.StartsWith("i-00000000000000001", StringComparison.Ordinal));
        Assert.Contains("Severe", row, StringComparison.Ordinal);
        Assert.Contains("50 ms", row, StringComparison.Ordinal);
        Assert.Contains("100 %", row, StringComparison.Ordinal);
        Assert.Contains("15.0 %", row, StringComparison.Ordinal);
        Assert.Contains("50 MB", row, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", table.Stdout, StringComparison.Ordinal);

        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("Red", document.RootElement.GetProperty("color").GetString());
        Assert.Equal("Severe", document.RootElement.GetProperty("environmentHealth").GetProperty("HealthStatus").GetString());
        Assert.Equal(52_428_800, document.RootElement.GetProperty("instancesHealth").GetProperty("InstanceHealthList")[0].GetProperty("System").GetProperty("MemoryRSSBytes").GetInt64());
    }

    [Fact]
    public async Task HealthRefresh_WithoutATerminal_PrintsOncePerIntervalWithoutEscapes_UntilCancelled()
    {
        using var stop = new CancellationTokenSource();
        var running = _run.RunAsync(stop.Token, "health", "myapp-dev", "-a", "myapp", "--refresh");
        // The third fetch begins only after the second view was printed.
        await Poll.UntilAsync(() => Task.FromResult(_api.RequestsTo("GET", "/api/environments/myapp-dev/health").Count()), n => n >= 3, TimeSpan.FromSeconds(15), "three refreshes");
        await stop.CancelAsync();
        var result = await running;

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.True(result.Stdout.Split('\n').Count(l => l.StartsWith("myapp-dev  Ready  Red  Severe", StringComparison.Ordinal)) >= 2, result.Stdout);
        Assert.DoesNotContain("\u001b", result.Stdout, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _run.Dispose();
        await _api.DisposeAsync();
    }
}
