using Dapper;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    public Task<IReadOnlyList<InstanceRow>> ListLiveInstancesAsync(string? environmentId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<InstanceRow>>(
            async c => (await c.QueryAsync<InstanceRow>(
                "SELECT * FROM instances WHERE terminated IS NULL AND (@environmentId IS NULL OR environment_id = @environmentId) ORDER BY launched, id",
                new { environmentId })).ToList(),
            cancellationToken);

    public Task InsertInstanceAsync(InstanceRow row, EventDraft? launched, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                """
                INSERT INTO instances (id, environment_id, version_label, config_generation, state, health_status, causes, port, pid,
                    process_start_time, instance_directory, restarts, launched, target_group, deployment_id)
                VALUES (@Id, @EnvironmentId, @VersionLabel, @ConfigGeneration, @state, @HealthStatus, @Causes, @Port, @Pid,
                    @ProcessStartTime, @InstanceDirectory, @Restarts, @Launched, @TargetGroup, @DeploymentId)
                """,
                new
                {
                    row.Id, row.EnvironmentId, row.VersionLabel, row.ConfigGeneration, state = row.State.ToString(), row.HealthStatus, row.Causes, row.Port,
                    row.Pid, row.ProcessStartTime, row.InstanceDirectory, row.Restarts, row.Launched, row.TargetGroup, row.DeploymentId,
                },
                transaction),
            launched is null ? [] : [launched],
            cancellationToken);

    /// <summary>Writes an instance's observed state (process identity, state, health) with an optional event.</summary>
    public Task UpdateInstanceAsync(InstanceRow row, EventDraft? change, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                """
                UPDATE instances SET version_label = @VersionLabel, config_generation = @ConfigGeneration, state = @state, health_status = @HealthStatus,
                    causes = @Causes, port = @Port, pid = @Pid, process_start_time = @ProcessStartTime, instance_directory = @InstanceDirectory,
                    restarts = @Restarts, terminated = @Terminated, deployment_id = @DeploymentId
                WHERE id = @Id
                """,
                new
                {
                    row.Id, row.VersionLabel, row.ConfigGeneration, state = row.State.ToString(), row.HealthStatus, row.Causes, row.Port, row.Pid,
                    row.ProcessStartTime, row.InstanceDirectory, row.Restarts, row.Terminated, row.DeploymentId,
                },
                transaction),
            change is null ? [] : [change],
            cancellationToken);

    /// <summary>
    /// Records router membership on its own: the instance's writer loop writes observed state from copies, so
    /// membership is never part of that write and a stale copy cannot undo a registration.
    /// </summary>
    public Task SetInstanceGroupAsync(string instanceId, string? targetGroup, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                "UPDATE instances SET target_group = @targetGroup WHERE id = @instanceId", new { instanceId, targetGroup }, transaction),
            [],
            cancellationToken);

    public Task<IReadOnlyList<int>> ListUsedPortsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<int>>(async c => (await c.QueryAsync<int>("SELECT port FROM instances WHERE terminated IS NULL")).ToList(), cancellationToken);
}
