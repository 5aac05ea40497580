using Dapper;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    public Task<ApplicationRow> CreateApplicationAsync(string name, string? description, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM applications WHERE name = @name", new { name }, transaction);
                if (exists > 0)
                {
                    throw new StoreConflictException("application_exists", $"Application {name} already exists.");
                }

                var row = new ApplicationRow { Name = name, Description = description, Created = DateTimeOffset.UtcNow };
                await connection.ExecuteAsync("INSERT INTO applications (name, description, created) VALUES (@Name, @Description, @Created)", row, transaction);
                return row;
            },
            row => [new EventDraft(EventSeverity.INFO, $"Created application {row.Name}.", row.Name)],
            cancellationToken);

    public Task<ApplicationRow?> GetApplicationAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(c => c.QuerySingleOrDefaultAsync<ApplicationRow?>("SELECT * FROM applications WHERE name = @name", new { name }), cancellationToken);

    public Task<IReadOnlyList<ApplicationRow>> ListApplicationsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ApplicationRow>>(async c => (await c.QueryAsync<ApplicationRow>("SELECT * FROM applications ORDER BY name")).ToList(), cancellationToken);
}
