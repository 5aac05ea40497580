using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Integration.Tests.Cli;

/// <summary>Canned API answers.</summary>
internal static class Dtos
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 2, 0, 0, TimeSpan.Zero);

    public static EnvironmentDto Environment(
        string name = "myapp-dev",
        EnvironmentStatus status = EnvironmentStatus.Ready,
        HealthColor health = HealthColor.Green,
        string? version = "v1") =>
        new(
            "e-abc123",
            name,
            "myapp",
            version,
            $"{name}.localhost",
            $"http://{name}.localhost:8080",
            status,
            health,
            health == HealthColor.Red ? "Severe" : "Ok",
            EnvironmentType.LoadBalanced,
            1,
            status is EnvironmentStatus.Launching or EnvironmentStatus.Updating,
            Now,
            Now,
            [new InstanceDto("i-0a1b2c3d4e5f6a7b8", version ?? "v1", InstanceState.InService, "Ok", 20001, 4242, 0, Now, [])]);

    public static VersionDto Version(string label, VersionStatus status = VersionStatus.Processed, string? failure = null) =>
        new("myapp", label, null, status, "00", 10, "node", "node app.js", failure, Now, Now);

    public static EventDto Event(long id, string message, EventSeverity severity = EventSeverity.INFO, string environment = "myapp-dev") =>
        new(id, Now.AddSeconds(id), severity, message, "myapp", environment, null);

    public static ApplicationDto Application(string name = "myapp") => new(name, null, Now, [], []);
}
