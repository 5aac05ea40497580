using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Api;
using Sprout.Core.Deployments;
using Sprout.Server.Environments;
using Sprout.Server.Store;

namespace Sprout.Server.Api;

/// <summary>
/// <c>GET /api/environments/{environment}/deployment</c>: the deployment in progress, else the last one this server
/// process finished, as a <see cref="DeploymentProgressDto"/>; 404 when there is neither (none since the server started,
/// or the environment's last operation was not a deployment through the planner).
/// </summary>
internal static class DeploymentEndpoints
{
    public static void MapDeploymentEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/environments/{environment}/deployment", async (string environment, SproutStore store, EnvironmentManager manager, EnvironmentServices services, CancellationToken ct) =>
        {
            var row = await EnvironmentEndpoints.RequireAsync(store, environment, ct);
            var controller = manager.Find(row.Id);
            var snapshot = controller?.LatestDeployment;
            var weights = controller?.GroupWeights ?? [];
            if (snapshot is null && await store.GetDeploymentAsync(row.Id, ct) is { } saved)
            {
                // Saved but not running: the server restarted and has not resumed it yet.
                snapshot = new DeploymentSnapshot(DeploymentJson.Deserialize(saved.StateJson), row.DeploymentCount, FinishedAt: null);
                weights = JsonSerializer.Deserialize<List<GroupWeight>>(saved.WeightsJson, DeploymentJson.Options) ?? [];
            }

            if (snapshot is null)
            {
                throw RequestRejectedException.NotFound("deployment_not_found", $"Environment {row.Name} has no deployment in progress, and none finished since the server started.");
            }

            var instances = controller is null
                ? (await store.ListLiveInstancesAsync(row.Id, ct)).Select(i => new DeploymentInstanceView(i.Id, i.VersionLabel, i.State, i.TargetGroup, i.HealthStatus, FirstCause(i.Causes)))
                : Describe(controller);
            return DeploymentProgress.Describe(snapshot.State, new DeploymentProgressSource(row.Name, snapshot.DeploymentId, [.. instances], weights, services.Time.GetUtcNow())
            {
                FinishedAt = snapshot.FinishedAt,
            });
        }).WithTags("Environments");
    }

    /// <summary>The controller's live view: the instances' router membership and the enhanced health of the last round.</summary>
    private static IEnumerable<DeploymentInstanceView> Describe(EnvironmentController controller)
    {
        var health = (controller.LatestAssessment?.Instances ?? [])
            .ToDictionary(i => i.InstanceId, i => i.Status.ToString(), StringComparer.Ordinal);
        return controller.Instances.Select(i =>
        {
            var view = i.HealthView;
            return new DeploymentInstanceView(i.Id, i.Row.VersionLabel, view.State, i.Row.TargetGroup, health.GetValueOrDefault(i.Id), view.Cause);
        });
    }

    private static string? FirstCause(string causes) => causes.Length == 0 ? null : causes.Split('\n')[0];
}
