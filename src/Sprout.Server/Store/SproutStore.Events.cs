using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    public Task AppendEventAsync(EventDraft draft, CancellationToken cancellationToken) =>
        WriteAsync((_, _) => Task.CompletedTask, [draft], cancellationToken);

    public Task<IReadOnlyList<EventDto>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<EventDto>>(
            async connection =>
            {
                var sql = new StringBuilder("SELECT id, time, severity, message, application, environment, version_label FROM events WHERE id > @After");
                if (query.Application is not null)
                {
                    sql.Append(" AND application = @Application");
                }

                if (query.Environment is not null)
                {
                    sql.Append(" AND environment = @Environment");
                }

                if (query.MinimumSeverity is { } severity)
                {
                    sql.Append(" AND severity IN (")
                        .Append(string.Join(",", Enum.GetValues<EventSeverity>().Where(s => s >= severity).Select(s => $"'{s}'")))
                        .Append(')');
                }

                // Without a starting point, callers want the most recent events, still listed oldest first.
                var newestFirst = query.After == 0;
                sql.Append(newestFirst ? " ORDER BY id DESC LIMIT @Limit" : " ORDER BY id ASC LIMIT @Limit");
                var rows = await connection.QueryAsync<EventRow>(sql.ToString(), new { query.After, query.Application, query.Environment, query.Limit });
                var events = rows.Select(r => new EventDto(r.Id, r.Time, r.Severity, r.Message, r.Application, r.Environment, r.VersionLabel));
                return newestFirst ? events.Reverse().ToList() : events.ToList();
            },
            cancellationToken);

    private static Task InsertEventAsync(SqliteConnection connection, SqliteTransaction transaction, EventDraft draft) =>
        connection.ExecuteAsync(
            "INSERT INTO events (time, severity, message, application, environment, version_label) VALUES (@time, @severity, @message, @application, @environment, @version)",
            new
            {
                time = Now(),
                severity = draft.Severity.ToString(),
                message = draft.Message,
                application = draft.Application,
                environment = draft.Environment,
                version = draft.VersionLabel,
            },
            transaction);

    private sealed class EventRow
    {
        public long Id { get; set; }

        public DateTimeOffset Time { get; set; }

        public EventSeverity Severity { get; set; }

        public string Message { get; set; } = "";

        public string? Application { get; set; }

        public string? Environment { get; set; }

        public string? VersionLabel { get; set; }
    }
}

internal sealed record EventQuery(string? Application, string? Environment, long After, int Limit, EventSeverity? MinimumSeverity = null);
