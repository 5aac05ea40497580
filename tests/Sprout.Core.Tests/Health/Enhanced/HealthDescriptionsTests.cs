using System.Text.Json;
using Sprout.Core.Api;
using Sprout.Core.Health.Enhanced;
using static Sprout.Core.Tests.Health.Enhanced.Observations;

namespace Sprout.Core.Tests.Health.Enhanced;

public sealed class HealthDescriptionsTests
{
    private static readonly RequestLatency Latency = new(0.0011, 0.0022, 0.0033, 0.0044, 0.0055, 0.0066, 0.12345, 1.5);

    [Fact]
    public void DescribeEnvironment_UsesBeanstalksNamesAndPercentages()
    {
        var assessment = Judge(Ready(InService("i-1") with { Requests = new RequestMetrics(Window, 200, 150, 10, 30, 10, Latency) }));

        var json = JsonSerializer.Serialize(HealthDescriptions.DescribeEnvironment(assessment), SproutJson.Options);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal("env-1", root.GetProperty("EnvironmentName").GetString());
        Assert.Equal("Warning", root.GetProperty("HealthStatus").GetString());
        Assert.Equal("Ready", root.GetProperty("Status").GetString());
        Assert.Equal("Yellow", root.GetProperty("Color").GetString());
        var metrics = root.GetProperty("ApplicationMetrics");
        Assert.Equal(10, metrics.GetProperty("Duration").GetInt32());
        Assert.Equal(20, metrics.GetProperty("RequestCount").GetInt32());
        Assert.Equal(75, metrics.GetProperty("StatusCodes").GetProperty("Status2xx").GetInt32());
        Assert.Equal(15, metrics.GetProperty("StatusCodes").GetProperty("Status4xx").GetInt32());
        Assert.Equal(5, metrics.GetProperty("StatusCodes").GetProperty("Status5xx").GetInt32());
        Assert.Equal(0.123, metrics.GetProperty("Latency").GetProperty("P99").GetDouble());
        Assert.Equal(1.5, metrics.GetProperty("Latency").GetProperty("P999").GetDouble());
        Assert.Equal(0.001, metrics.GetProperty("Latency").GetProperty("P10").GetDouble());
        Assert.Equal(1, root.GetProperty("InstancesHealth").GetProperty("Warning").GetInt32());
        Assert.True(root.TryGetProperty("RefreshedAt", out _));
    }

    [Fact]
    public void DescribeInstances_UsesCountsAndTheSystemAndDeploymentShapes()
    {
        var instance = InService("i-1") with
        {
            Requests = new RequestMetrics(Window, 200, 150, 10, 30, 10, Latency),
            Cpu = new CpuUtilization(12.34, 0, 3.21, 84.47, 0, 0, 0),
            LoadAverage = [0.5, 0.25, 0.1],
            VersionLabel = "v1",
            DeploymentId = 3,
            DeploymentStatus = "Deployed",
            DeploymentTime = Now.AddMinutes(-5),
        };

        var description = HealthDescriptions.DescribeInstances(Judge(Ready(instance)), _ => "host-a", _ => "process");
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(description, SproutJson.Options));
        var single = document.RootElement.GetProperty("InstanceHealthList")[0];

        Assert.Equal("i-1", single.GetProperty("InstanceId").GetString());
        Assert.Equal(30, single.GetProperty("ApplicationMetrics").GetProperty("StatusCodes").GetProperty("Status4xx").GetInt32());
        var cpu = single.GetProperty("System").GetProperty("CPUUtilization");
        Assert.Equal(12.3, cpu.GetProperty("User").GetDouble());
        Assert.Equal(84.5, cpu.GetProperty("Idle").GetDouble());
        Assert.True(cpu.TryGetProperty("IOWait", out _));
        Assert.True(cpu.TryGetProperty("SoftIRQ", out _));
        Assert.False(cpu.TryGetProperty("Privileged", out _));
        Assert.Equal(3, single.GetProperty("System").GetProperty("LoadAverage").GetArrayLength());
        Assert.Equal(3, single.GetProperty("Deployment").GetProperty("DeploymentId").GetInt64());
        Assert.Equal("Deployed", single.GetProperty("Deployment").GetProperty("Status").GetString());
        Assert.Equal("host-a", single.GetProperty("AvailabilityZone").GetString());
        Assert.Equal("process", single.GetProperty("InstanceType").GetString());
        Assert.Equal("Yellow", single.GetProperty("Color").GetString());
        Assert.Equal("Warning", single.GetProperty("HealthStatus").GetString());
    }

    [Fact]
    public void NoRequests_GiveNoLatency()
    {
        var metrics = HealthDescriptions.ApplicationMetrics(RequestMetrics.Empty(Window), asPercentages: true);

        Assert.NotNull(metrics);
        Assert.Null(metrics.Latency);
        Assert.Equal(0, metrics.RequestCount);
    }
}
