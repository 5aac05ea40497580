using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Api;
using Sprout.Core.Health.Enhanced;
using Sprout.Server.Environments;
using Sprout.Server.Metrics.SystemMetrics;
using Sprout.Server.Store;

namespace Sprout.Server.Api;

internal static class EnvironmentEndpoints
{
    public static void MapEnvironmentEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/environments").WithTags("Environments");

        group.MapGet("/", async (string? application, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            var result = new List<EnvironmentDto>();
            foreach (var row in await store.ListEnvironmentsAsync(application, ct))
            {
                result.Add(row.ToDto(await store.ListLiveInstancesAsync(row.Id, ct), services));
            }

            return result;
        });

        group.MapPost("/", async (CreateEnvironmentRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            var row = await manager.CreateAsync(request, ct);
            return Results.Accepted($"/api/environments/{row.Name}", await DescribeAsync(store, services, row.Name, ct));
        });

        group.MapGet("/{environment}", (string environment, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
            DescribeAsync(store, services, environment, ct));

        group.MapDelete("/{environment}", async (string environment, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            var row = await manager.TerminateAsync(environment, ct);
            return Results.Accepted($"/api/environments/{row.Name}", row.ToDto(await store.ListLiveInstancesAsync(row.Id, ct), services));
        });

        group.MapPost("/{environment}/deploy", async (string environment, DeployRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, HttpResponse response, CancellationToken ct) =>
        {
            var start = await manager.DeployAsync(environment, request.VersionLabel, ct);
            response.Headers[OperationHeaders.DeploymentId] = start.Row.DeploymentCount.ToString(CultureInfo.InvariantCulture);
            response.Headers[OperationHeaders.EventsBefore] = start.EventsBefore.ToString(CultureInfo.InvariantCulture);
            return Results.Accepted($"/api/environments/{environment}", await DescribeAsync(store, services, environment, ct));
        });

        group.MapPost("/{environment}/scale", async (string environment, ScaleRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            await manager.ScaleAsync(environment, request.Instances, ct);
            return Results.Accepted($"/api/environments/{environment}", await DescribeAsync(store, services, environment, ct));
        });

        group.MapPost("/{environment}/abort", async (string environment, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            await manager.AbortAsync(environment, ct);
            return Results.Accepted($"/api/environments/{environment}", await DescribeAsync(store, services, environment, ct));
        });

        group.MapPost("/{environment}/swap", async (string environment, SwapRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.DestinationName))
            {
                throw RequestRejectedException.Invalid("invalid_swap", "Name the environment to swap CNAMEs with (destinationName).");
            }

            var (source, destination) = await manager.SwapAsync(environment, request.DestinationName, ct);
            return new SwapResultDto(
                source.ToDto(await store.ListLiveInstancesAsync(source.Id, ct), services),
                destination.ToDto(await store.ListLiveInstancesAsync(destination.Id, ct), services));
        });

        group.MapPost("/{environment}/shift", async (string environment, ShiftRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            var (source, destination, schedule) = await manager.ShiftAsync(environment, request, ct);
            return Results.Accepted($"/api/environments/{source.Name}", new ShiftResultDto(
                source.ToDto(await store.ListLiveInstancesAsync(source.Id, ct), services),
                destination.ToDto(await store.ListLiveInstancesAsync(destination.Id, ct), services),
                schedule.ToString()));
        });

        group.MapPost("/{environment}/clone", async (string environment, CloneRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            var row = await manager.CloneAsync(environment, request.CloneName, request.CnamePrefix, ct);
            return Results.Accepted($"/api/environments/{row.Name}", await DescribeAsync(store, services, row.Name, ct));
        });

        group.MapGet("/{environment}/configuration", async (string environment, SproutStore store, EnvironmentSettingsLoader settings, CancellationToken ct) =>
        {
            var row = await RequireAsync(store, environment, ct);
            var version = row.VersionLabel is null ? null : await store.GetVersionAsync(row.Application, row.VersionLabel, ct);
            var loaded = await settings.LoadAsync(row.Id, version?.SlugDirectory, ct);
            return new ConfigurationDto(row.Name, loaded.Options.All.Select(o => new EffectiveOptionDto(o.Namespace, o.OptionName, o.Value, o.Source, o.ResourceName)).ToList());
        });

        group.MapPost("/{environment}/configuration", async (string environment, UpdateConfigurationRequest request, EnvironmentManager manager, SproutStore store, EnvironmentServices services, CancellationToken ct) =>
        {
            await manager.ConfigureAsync(environment, request, ct);
            return Results.Accepted($"/api/environments/{environment}", await DescribeAsync(store, services, environment, ct));
        });

        group.MapGet("/{environment}/health", async (string environment, SproutStore store, CancellationToken ct) =>
        {
            var row = await RequireAsync(store, environment, ct);
            var instances = await store.ListLiveInstancesAsync(row.Id, ct);
            return new EnvironmentHealthDto(row.Name, row.Status, row.Health, row.HealthStatus, row.CauseList, instances.Select(i => i.ToDto()).ToList(), DateTimeOffset.UtcNow);
        });

        // Beanstalk's DescribeEnvironmentHealth (all attribute names) for one environment.
        group.MapGet("/{environment}/health/environment", async (string environment, SproutStore store, EnvironmentManager manager, CancellationToken ct) =>
            HealthDescriptions.DescribeEnvironment(await AssessAsync(store, manager, environment, ct)));

        // Beanstalk's DescribeInstancesHealth (all attribute names) for one environment's live instances.
        group.MapGet("/{environment}/health/instances", async (string environment, SproutStore store, EnvironmentManager manager, InstanceSystemMetrics system, CancellationToken ct) =>
        {
            var described = HealthDescriptions.DescribeInstances(await AssessAsync(store, manager, environment, ct), _ => Environment.MachineName, _ => "process");
            return described with
            {
                InstanceHealthList = [.. described.InstanceHealthList.Select(i => system.Of(i.InstanceId) is { } reading
                    ? i with { System = (i.System ?? new SystemStatusDto(null, null)) with { MemoryRssBytes = reading.ResidentBytes } }
                    : i)],
            };
        });

        group.MapGet("/{environment}/instances", async (string environment, SproutStore store, CancellationToken ct) =>
        {
            var row = await RequireAsync(store, environment, ct);
            return (await store.ListLiveInstancesAsync(row.Id, ct)).Select(i => i.ToDto()).ToList();
        });
    }

    public static async Task<EnvironmentRow> RequireAsync(SproutStore store, string environment, CancellationToken ct) =>
        await store.GetEnvironmentAsync(environment, ct)
        ?? throw RequestRejectedException.NotFound("environment_not_found", $"No environment named {environment}.");

    private static async Task<EnvironmentDto> DescribeAsync(SproutStore store, EnvironmentServices services, string environment, CancellationToken ct)
    {
        var row = await RequireAsync(store, environment, ct);
        return row.ToDto(await store.ListLiveInstancesAsync(row.Id, ct), services);
    }

    /// <summary>The environment's latest enhanced health assessment; an environment without a running controller (terminated) is judged as it stands.</summary>
    private static async Task<EnvironmentHealthAssessment> AssessAsync(SproutStore store, EnvironmentManager manager, string environment, CancellationToken ct)
    {
        var row = await RequireAsync(store, environment, ct);
        return manager.Find(row.Id)?.LatestAssessment
            ?? EnhancedHealthEvaluator.Evaluate(new EnvironmentObservation(row.Name, row.Status, row.DesiredCapacity, 0, []), EnhancedHealthOptions.Default, DateTimeOffset.UtcNow);
    }
}
