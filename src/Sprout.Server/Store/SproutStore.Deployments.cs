using Dapper;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    public Task<DeploymentRow?> GetDeploymentAsync(string environmentId, CancellationToken cancellationToken) =>
        ReadAsync(c => c.QuerySingleOrDefaultAsync<DeploymentRow?>("SELECT * FROM deployments WHERE environment_id = @environmentId", new { environmentId }), cancellationToken);

    /// <summary>Saves a deployment's progress (after every transition) with the events that describe it, in one transaction.</summary>
    public Task SaveDeploymentAsync(string environmentId, string stateJson, string weightsJson, IReadOnlyList<EventDraft> events, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                """
                INSERT INTO deployments (environment_id, state_json, weights_json, updated) VALUES (@environmentId, @stateJson, @weightsJson, @now)
                ON CONFLICT (environment_id) DO UPDATE SET state_json = excluded.state_json, weights_json = excluded.weights_json, updated = excluded.updated
                """,
                new { environmentId, stateJson, weightsJson, now = Now() },
                transaction),
            events,
            cancellationToken);
}
