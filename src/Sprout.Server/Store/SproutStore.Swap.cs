using Dapper;
using Microsoft.Data.Sqlite;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    /// <summary>
    /// Exchanges two environments' CNAMEs in one transaction (Beanstalk's SwapEnvironmentCNAMEs): both
    /// must be live, Ready and of the same application. Returns both rows as they are afterwards.
    /// </summary>
    public Task<(EnvironmentRow Source, EnvironmentRow Destination)> SwapCnamesAsync(string sourceName, string destinationName, CancellationToken cancellationToken) =>
        WriteAsync<(EnvironmentRow Source, EnvironmentRow Destination)>(
            async (connection, transaction) =>
            {
                var (source, destination) = await ReadyPairAsync(connection, transaction, sourceName, destinationName, "invalid_swap", "swap CNAMEs with", "swap CNAMEs");

                // CNAMEs are unique among live environments: park one while the other moves.
                var now = Now();
                await connection.ExecuteAsync("UPDATE environments SET cname = @parked WHERE id = @Id", new { parked = "#swap-" + source.Id, source.Id }, transaction);
                await connection.ExecuteAsync("UPDATE environments SET cname = @cname, updated = @now WHERE id = @Id", new { cname = source.Cname, now, destination.Id }, transaction);
                await connection.ExecuteAsync("UPDATE environments SET cname = @cname, updated = @now WHERE id = @Id", new { cname = destination.Cname, now, source.Id }, transaction);
                (source.Cname, destination.Cname) = (destination.Cname, source.Cname);
                return (Source: source, Destination: destination);
            },
            rows =>
            [
                new EventDraft(EventSeverity.INFO, $"Completed swapping CNAMEs for environments '{rows.Source.Name}' and '{rows.Destination.Name}'.", rows.Source.Application, rows.Source.Name, rows.Source.VersionLabel),
                new EventDraft(EventSeverity.INFO, $"Completed swapping CNAMEs for environments '{rows.Source.Name}' and '{rows.Destination.Name}'.", rows.Destination.Application, rows.Destination.Name, rows.Destination.VersionLabel),
            ],
            cancellationToken);

    /// <summary>
    /// Two live environments, both Ready, distinct and of one application, read inside a transaction; otherwise a
    /// conflict whose code is <paramref name="invalid"/> (an environment cannot <paramref name="verb"/> itself; environments of one
    /// application only can <paramref name="together"/>).
    /// </summary>
    private static async Task<(EnvironmentRow Source, EnvironmentRow Destination)> ReadyPairAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sourceName, string destinationName, string invalid, string verb, string together)
    {
        async Task<EnvironmentRow> ReadyAsync(string name)
        {
            var row = await connection.QuerySingleOrDefaultAsync<EnvironmentRow?>(
                $"SELECT * FROM environments WHERE name = @name AND {LiveEnvironment}", new { name }, transaction)
                ?? throw new StoreConflictException("environment_not_found", $"No environment named {name}.");
            return row.Status == EnvironmentStatus.Ready
                ? row
                : throw new StoreConflictException("invalid_state", $"Environment named {name} is in an invalid state for this operation. Must be Ready. (It is {row.Status}: {row.Operation ?? "busy"}.)");
        }

        var source = await ReadyAsync(sourceName);
        var destination = await ReadyAsync(destinationName);
        if (source.Id == destination.Id)
        {
            throw new StoreConflictException(invalid, $"An environment cannot {verb} itself.");
        }

        if (source.Application != destination.Application)
        {
            throw new StoreConflictException(invalid, $"Environments {source.Name} and {destination.Name} belong to different applications ({source.Application}, {destination.Application}); only environments of one application can {together}.");
        }

        return (source, destination);
    }
}
