using Dapper;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    public Task CreateVersionAsync(VersionRow row, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var exists = await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM versions WHERE application = @Application AND label = @Label", row, transaction);
                if (exists > 0)
                {
                    throw new StoreConflictException("version_exists", $"Application version {row.Label} already exists in application {row.Application}. Versions are immutable: choose another label, or deploy it with --version {row.Label}.");
                }

                await connection.ExecuteAsync(
                    """
                    INSERT INTO versions (application, label, description, status, bundle_sha256, bundle_size, created, updated)
                    VALUES (@Application, @Label, @Description, @status, @BundleSha256, @BundleSize, @Created, @Updated)
                    """,
                    new { row.Application, row.Label, row.Description, status = row.Status.ToString(), row.BundleSha256, row.BundleSize, row.Created, row.Updated },
                    transaction);
            },
            [new EventDraft(EventSeverity.INFO, $"Created new application version {row.Label} ({row.BundleSize:N0} bytes, sha256 {row.BundleSha256[..12]}…).", row.Application, VersionLabel: row.Label)],
            cancellationToken);

    public Task<VersionRow?> GetVersionAsync(string application, string label, CancellationToken cancellationToken) =>
        ReadAsync(c => c.QuerySingleOrDefaultAsync<VersionRow?>("SELECT * FROM versions WHERE application = @application AND label = @label", new { application, label }), cancellationToken);

    public Task<IReadOnlyList<VersionRow>> ListVersionsAsync(string? application, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<VersionRow>>(
            async c => (await c.QueryAsync<VersionRow>(
                "SELECT * FROM versions WHERE @application IS NULL OR application = @application ORDER BY created DESC",
                new { application })).ToList(),
            cancellationToken);

    /// <summary>Records the end of a build, with Beanstalk's "Finished processing application version" event.</summary>
    public Task FinishVersionBuildAsync(string application, string label, bool succeeded, string? platform, string? startCommand, string? slugDirectory, string? failureReason, CancellationToken cancellationToken)
    {
        var status = succeeded ? VersionStatus.Processed : VersionStatus.Failed;
        var events = new List<EventDraft>
        {
            new(succeeded ? EventSeverity.INFO : EventSeverity.ERROR, $"Finished processing application version {label}: {(succeeded ? "PROCESSED." : "FAILED.")}", application, VersionLabel: label),
        };
        if (!succeeded && failureReason is not null)
        {
            events.Add(new EventDraft(EventSeverity.ERROR, $"Build of {label} failed:\n{failureReason}", application, VersionLabel: label));
        }

        return WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(
                """
                UPDATE versions SET status = @status, platform = @platform, start_command = @startCommand,
                    slug_directory = @slugDirectory, failure_reason = @failureReason, updated = @now
                WHERE application = @application AND label = @label
                """,
                new { status = status.ToString(), platform, startCommand, slugDirectory, failureReason, now = Now(), application, label },
                transaction),
            events,
            cancellationToken);
    }
}
