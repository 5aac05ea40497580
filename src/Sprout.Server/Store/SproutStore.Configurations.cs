using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

/// <summary>
/// Option settings by configuration generation: every change that moves the generation on keeps the settings before
/// and after it, so instances can be launched with a previous configuration and a failed update can be reverted.
/// </summary>
internal sealed partial class SproutStore
{
    private static readonly JsonSerializerOptions ConfigurationJson = new(JsonSerializerDefaults.Web);

    /// <summary>The option settings applied to the environment in that generation; null when none were kept (before any change).</summary>
    public Task<IReadOnlyList<OptionSetting>?> GetConfigurationAsync(string environmentId, long generation, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var json = await c.QuerySingleOrDefaultAsync<string?>(
                "SELECT settings_json FROM configurations WHERE environment_id = @environmentId AND generation = @generation",
                new { environmentId, generation });
            return json is null ? null : (IReadOnlyList<OptionSetting>?)JsonSerializer.Deserialize<List<OptionSetting>>(json, ConfigurationJson);
        }, cancellationToken);

    /// <summary>
    /// "The environment was reverted to the previous configuration setting.": the environment's option settings and
    /// configuration generation become those of <paramref name="generation"/> again, with the events, in one transaction.
    /// </summary>
    public Task RevertConfigurationAsync(string environmentId, long generation, IReadOnlyList<OptionSetting> settings, IReadOnlyList<EventDraft> events, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync("DELETE FROM option_settings WHERE environment_id = @environmentId", new { environmentId }, transaction);
                await UpsertSettingsAsync(connection, transaction, environmentId, settings);
                await connection.ExecuteAsync(
                    "UPDATE environments SET config_generation = @generation, updated = @now WHERE id = @environmentId",
                    new { generation, now = Now(), environmentId },
                    transaction);
            },
            events,
            cancellationToken);

    /// <summary>Keeps the environment's current option settings as those of <paramref name="generation"/> (the latest wins).</summary>
    private static async Task SaveConfigurationAsync(SqliteConnection connection, SqliteTransaction transaction, string environmentId, long generation)
    {
        var settings = (await connection.QueryAsync<(string Namespace, string OptionName, string ResourceName, string Value)>(
                "SELECT namespace, option_name, resource_name, value FROM option_settings WHERE environment_id = @environmentId ORDER BY namespace, option_name",
                new { environmentId },
                transaction))
            .Select(r => new OptionSetting(r.Namespace, r.OptionName, r.Value, r.ResourceName.Length == 0 ? null : r.ResourceName))
            .ToList();
        await connection.ExecuteAsync(
            """
            INSERT INTO configurations (environment_id, generation, settings_json) VALUES (@environmentId, @generation, @json)
            ON CONFLICT (environment_id, generation) DO UPDATE SET settings_json = excluded.settings_json
            """,
            new { environmentId, generation, json = JsonSerializer.Serialize(settings, ConfigurationJson) },
            transaction);
    }
}
