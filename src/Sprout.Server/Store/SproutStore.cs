using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Sprout.Server.Events;

namespace Sprout.Server.Store;

/// <summary>
/// The state store: SQLite in WAL mode. Every state change runs in one transaction together
/// with the event that describes it, so the event log never disagrees with the state.
/// </summary>
internal sealed partial class SproutStore
{
    private readonly string _connectionString;
    private readonly EventNotifier _notifier;

    /// <summary>
    /// One writer at a time, queued here rather than in SQLite: a writer that finds the database locked sleeps in
    /// SQLite's busy handler (blocking its thread for up to 100 ms a turn), while a queue hands over at once.
    /// </summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    static SproutStore()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // Dapper writes DateTimeOffset parameters its own way unless its built-in mapping is removed first.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    public SproutStore(string databasePath, EventNotifier notifier)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _notifier = notifier;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
        var current = await connection.ExecuteScalarAsync<long?>("SELECT MAX(version) FROM schema_version;") ?? 0;
        for (var step = (int)current; step < Migrations.Steps.Count; step++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(Migrations.Steps[step], transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO schema_version (version) VALUES (@v);", new { v = step + 1 }, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;");
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> and writes <paramref name="events"/> in one transaction; listeners hear of the events after commit.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, IEnumerable<EventDraft>> events, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        bool wroteEvent;
        T result;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // BEGIN IMMEDIATE takes the write lock up front, so read-then-write checks cannot race another writer.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            result = await work(connection, transaction);
            wroteEvent = false;
            foreach (var draft in events(result))
            {
                await InsertEventAsync(connection, transaction, draft);
                wroteEvent = true;
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }

        if (wroteEvent)
        {
            _notifier.Notify();
        }

        return result;
    }

    private Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> work, IEnumerable<EventDraft> events, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t) =>
            {
                await work(c, t);
                return true;
            },
            _ => events,
            cancellationToken);

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await query(connection);
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
