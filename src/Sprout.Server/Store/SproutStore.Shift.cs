using Dapper;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    /// <summary>Several events in one transaction (a shift's step is told on both environments at once).</summary>
    public Task AppendEventsAsync(IReadOnlyList<EventDraft> drafts, CancellationToken cancellationToken) =>
        WriteAsync((_, _) => Task.CompletedTask, drafts, cancellationToken);

    /// <summary>
    /// Begins a weighted CNAME shift in one transaction: both environments must be live, Ready, distinct and of one
    /// application; both become Updating with <paramref name="operation"/>, and the shift's state is saved as the
    /// source's deployment, so a restarted server finds it. Returns both rows as they are afterwards.
    /// </summary>
    public Task<(EnvironmentRow Source, EnvironmentRow Destination)> BeginShiftAsync(
        string sourceName, string destinationName, string operation, string stateJson, string weightsJson, string startMessage, CancellationToken cancellationToken) =>
        WriteAsync<(EnvironmentRow Source, EnvironmentRow Destination)>(
            async (connection, transaction) =>
            {
                var (source, destination) = await ReadyPairAsync(connection, transaction, sourceName, destinationName, "invalid_shift", "shift its CNAME to", "share a CNAME");

                var now = Now();
                foreach (var row in new[] { source, destination })
                {
                    row.Status = EnvironmentStatus.Updating;
                    row.Operation = operation;
                    row.Updated = DateTimeOffset.UtcNow;
                    await connection.ExecuteAsync(
                        "UPDATE environments SET status = @status, operation = @operation, updated = @now WHERE id = @Id",
                        new { status = row.Status.ToString(), operation, now, row.Id },
                        transaction);
                }

                await connection.ExecuteAsync(
                    """
                    INSERT INTO deployments (environment_id, state_json, weights_json, updated) VALUES (@Id, @stateJson, @weightsJson, @now)
                    ON CONFLICT (environment_id) DO UPDATE SET state_json = excluded.state_json, weights_json = excluded.weights_json, updated = excluded.updated
                    """,
                    new { source.Id, stateJson, weightsJson, now },
                    transaction);
                return (Source: source, Destination: destination);
            },
            rows =>
            [
                new EventDraft(EventSeverity.INFO, startMessage, rows.Source.Application, rows.Source.Name, rows.Source.VersionLabel),
                new EventDraft(EventSeverity.INFO, startMessage, rows.Destination.Application, rows.Destination.Name, rows.Destination.VersionLabel),
            ],
            cancellationToken);

    /// <summary>
    /// Ends a CNAME shift in one transaction: both environments Ready, the saved shift gone, and, when
    /// <paramref name="exchangeCnames"/>, the two CNAMEs exchanged (the end state of a swap). Returns both rows afterwards.
    /// </summary>
    public Task<(EnvironmentRow Source, EnvironmentRow Destination)> FinishShiftAsync(
        string sourceId, string destinationId, bool exchangeCnames, IReadOnlyList<EventDraft> events, CancellationToken cancellationToken) =>
        WriteAsync<(EnvironmentRow Source, EnvironmentRow Destination)>(
            async (connection, transaction) =>
            {
                async Task<EnvironmentRow> ReadAsync(string id) =>
                    await connection.QuerySingleOrDefaultAsync<EnvironmentRow?>("SELECT * FROM environments WHERE id = @id", new { id }, transaction)
                    ?? throw new StoreConflictException("environment_not_found", $"No environment with id {id}.");

                var source = await ReadAsync(sourceId);
                var destination = await ReadAsync(destinationId);
                var now = Now();
                if (exchangeCnames)
                {
                    // CNAMEs are unique among live environments: park one while the other moves.
                    await connection.ExecuteAsync("UPDATE environments SET cname = @parked WHERE id = @Id", new { parked = "#shift-" + source.Id, source.Id }, transaction);
                    await connection.ExecuteAsync("UPDATE environments SET cname = @cname WHERE id = @Id", new { cname = source.Cname, destination.Id }, transaction);
                    await connection.ExecuteAsync("UPDATE environments SET cname = @cname WHERE id = @Id", new { cname = destination.Cname, source.Id }, transaction);
                    (source.Cname, destination.Cname) = (destination.Cname, source.Cname);
                }

                foreach (var row in new[] { source, destination })
                {
                    row.Status = EnvironmentStatus.Ready;
                    row.Operation = null;
                    row.Updated = DateTimeOffset.UtcNow;
                    await connection.ExecuteAsync(
                        "UPDATE environments SET status = @status, operation = NULL, updated = @now WHERE id = @Id",
                        new { status = row.Status.ToString(), now, row.Id },
                        transaction);
                }

                await connection.ExecuteAsync("DELETE FROM deployments WHERE environment_id IN (@sourceId, @destinationId)", new { sourceId, destinationId }, transaction);
                return (Source: source, Destination: destination);
            },
            _ => events,
            cancellationToken);
}
