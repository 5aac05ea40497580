using Dapper;
using Microsoft.Data.Sqlite;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    private const string LiveEnvironment = "terminated IS NULL";

    public Task CreateEnvironmentAsync(EnvironmentRow row, IReadOnlyList<OptionSetting> settings, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM environments WHERE name = @Name AND {LiveEnvironment}", row, transaction) > 0)
                {
                    throw new StoreConflictException("environment_exists", $"Environment {row.Name} already exists.");
                }

                if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM environments WHERE cname = @Cname AND {LiveEnvironment}", row, transaction) > 0)
                {
                    throw new StoreConflictException("cname_taken", $"The CNAME prefix {row.Cname} is already in use by another environment.");
                }

                await connection.ExecuteAsync(
                    """
                    INSERT INTO environments (id, name, application, version_label, cname, status, health, health_status, causes,
                        environment_type, desired_capacity, config_generation, operation, created, updated)
                    VALUES (@Id, @Name, @Application, @VersionLabel, @Cname, @status, @health, @HealthStatus, @Causes,
                        @type, @DesiredCapacity, @ConfigGeneration, @Operation, @Created, @Updated)
                    """,
                    new
                    {
                        row.Id, row.Name, row.Application, row.VersionLabel, row.Cname, status = row.Status.ToString(), health = row.Health.ToString(),
                        row.HealthStatus, row.Causes, type = row.EnvironmentType.ToString(), row.DesiredCapacity, row.ConfigGeneration, row.Operation,
                        row.Created, row.Updated,
                    },
                    transaction);
                await UpsertSettingsAsync(connection, transaction, row.Id, settings);
            },
            [new EventDraft(EventSeverity.INFO, "createEnvironment is starting.", row.Application, row.Name, row.VersionLabel)],
            cancellationToken);

    public Task<EnvironmentRow?> GetEnvironmentAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(c => c.QuerySingleOrDefaultAsync<EnvironmentRow?>($"SELECT * FROM environments WHERE name = @name AND {LiveEnvironment}", new { name }), cancellationToken);

    public Task<EnvironmentRow?> GetEnvironmentByIdAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(c => c.QuerySingleOrDefaultAsync<EnvironmentRow?>("SELECT * FROM environments WHERE id = @id", new { id }), cancellationToken);

    public Task<IReadOnlyList<EnvironmentRow>> ListEnvironmentsAsync(string? application, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<EnvironmentRow>>(
            async c => (await c.QueryAsync<EnvironmentRow>(
                $"SELECT * FROM environments WHERE {LiveEnvironment} AND (@application IS NULL OR application = @application) ORDER BY name",
                new { application })).ToList(),
            cancellationToken);

    public Task<IReadOnlyList<OptionSetting>> GetOptionSettingsAsync(string environmentId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<OptionSetting>>(
            async c => (await c.QueryAsync<(string Namespace, string OptionName, string ResourceName, string Value)>(
                    "SELECT namespace, option_name, resource_name, value FROM option_settings WHERE environment_id = @environmentId ORDER BY namespace, option_name",
                    new { environmentId }))
                .Select(r => new OptionSetting(r.Namespace, r.OptionName, r.Value, r.ResourceName.Length == 0 ? null : r.ResourceName))
                .ToList(),
            cancellationToken);

    /// <summary>
    /// Starts an operation on a Ready environment: applies the desired-state change, marks the
    /// status and records the operation in one transaction. Refuses with Beanstalk's own words
    /// when the environment is busy, so a second operation can never interleave with the first.
    /// </summary>
    public Task<OperationStart> BeginOperationAsync(string environmentName, OperationChange change, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var row = await connection.QuerySingleOrDefaultAsync<EnvironmentRow?>(
                    $"SELECT * FROM environments WHERE name = @environmentName AND {LiveEnvironment}", new { environmentName }, transaction)
                    ?? throw new StoreConflictException("environment_not_found", $"No environment named {environmentName}.");
                if (row.Status != EnvironmentStatus.Ready)
                {
                    throw new StoreConflictException("invalid_state", $"Environment named {environmentName} is in an invalid state for this operation. Must be Ready. (It is {row.Status}: {row.Operation ?? "busy"}.)");
                }

                row.Status = change.Status;
                row.Operation = change.Operation;
                row.VersionLabel = change.VersionLabel ?? row.VersionLabel;
                row.DesiredCapacity = change.DesiredCapacity ?? row.DesiredCapacity;
                row.EnvironmentType = change.EnvironmentType ?? row.EnvironmentType;
                if (change.RestartsInstances)
                {
                    await SaveConfigurationAsync(connection, transaction, row.Id, row.ConfigGeneration);
                    row.ConfigGeneration++;
                }

                if (change.VersionLabel is not null)
                {
                    row.DeploymentCount++;
                }

                row.Updated = DateTimeOffset.UtcNow;
                await connection.ExecuteAsync(
                    """
                    UPDATE environments SET status = @status, operation = @Operation, version_label = @VersionLabel,
                        desired_capacity = @DesiredCapacity, environment_type = @type, config_generation = @ConfigGeneration,
                        deployment_count = @DeploymentCount, updated = @Updated
                    WHERE id = @Id
                    """,
                    new { status = row.Status.ToString(), row.Operation, row.VersionLabel, row.DesiredCapacity, type = row.EnvironmentType.ToString(), row.ConfigGeneration, row.DeploymentCount, row.Updated, row.Id },
                    transaction);
                await UpsertSettingsAsync(connection, transaction, row.Id, change.SettingsToApply);
                foreach (var key in change.SettingsToRemove)
                {
                    await connection.ExecuteAsync(
                        "DELETE FROM option_settings WHERE environment_id = @Id AND namespace = @Namespace AND option_name = @OptionName AND resource_name = @resource",
                        new { row.Id, key.Namespace, key.OptionName, resource = key.ResourceName ?? "" },
                        transaction);
                }

                if (change.RestartsInstances)
                {
                    await SaveConfigurationAsync(connection, transaction, row.Id, row.ConfigGeneration);
                }

                // The write lock is held: no event can come between this id and the operation's first event.
                var eventsBefore = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM events", transaction: transaction);
                return new OperationStart(row, eventsBefore);
            },
            start => [new EventDraft(EventSeverity.INFO, change.StartMessage, start.Row.Application, start.Row.Name, start.Row.VersionLabel)],
            cancellationToken);

    /// <summary>
    /// Ends the operation in progress: Ready (or Terminated) with the judged health, and the closing events. A saved
    /// deployment ends in the same transaction, so a restart can never resume a deployment whose operation is over.
    /// </summary>
    public Task FinishOperationAsync(string environmentId, EnvironmentStatus status, IReadOnlyList<EventDraft> events, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(
                    "UPDATE environments SET status = @status, operation = NULL, updated = @now, terminated = CASE WHEN @status = 'Terminated' THEN @now ELSE NULL END WHERE id = @environmentId",
                    new { status = status.ToString(), now = Now(), environmentId },
                    transaction);
                await connection.ExecuteAsync("DELETE FROM deployments WHERE environment_id = @environmentId", new { environmentId }, transaction);
            },
            events,
            cancellationToken);

    /// <summary>Restores the version an environment should run after a failed deployment (Beanstalk resets the expected version to the last good one).</summary>
    public Task SetVersionAsync(string environmentId, string versionLabel, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                "UPDATE environments SET version_label = @versionLabel, updated = @now WHERE id = @environmentId",
                new { versionLabel, now = Now(), environmentId },
                transaction),
            [],
            cancellationToken);

    public Task SetHealthAsync(string environmentId, HealthColor color, string healthStatus, IReadOnlyList<string> causes, EventDraft? transition, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                "UPDATE environments SET health = @color, health_status = @healthStatus, causes = @causes WHERE id = @environmentId",
                new { color = color.ToString(), healthStatus, causes = string.Join('\n', causes), environmentId },
                transaction),
            transition is null ? [] : [transition],
            cancellationToken);

    private static async Task UpsertSettingsAsync(SqliteConnection connection, SqliteTransaction transaction, string environmentId, IEnumerable<OptionSetting> settings)
    {
        foreach (var setting in settings)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO option_settings (environment_id, namespace, option_name, resource_name, value) VALUES (@environmentId, @Namespace, @OptionName, @resource, @Value)
                ON CONFLICT (environment_id, namespace, option_name, resource_name) DO UPDATE SET value = excluded.value
                """,
                new { environmentId, setting.Namespace, setting.OptionName, resource = setting.ResourceName ?? "", setting.Value },
                transaction);
        }
    }
}

/// <summary>What an operation changes in an environment's desired state as it begins.</summary>
internal sealed record OperationChange(string Operation, EnvironmentStatus Status, string StartMessage)
{
    public string? VersionLabel { get; init; }

    public int? DesiredCapacity { get; init; }

    public EnvironmentType? EnvironmentType { get; init; }

    /// <summary>True when running instances must restart to see the change (environment properties, health path…).</summary>
    public bool RestartsInstances { get; init; }

    public IReadOnlyList<OptionSetting> SettingsToApply { get; init; } = [];

    public IReadOnlyList<OptionKey> SettingsToRemove { get; init; } = [];
}
