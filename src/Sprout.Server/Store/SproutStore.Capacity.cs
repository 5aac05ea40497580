using Dapper;
using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed partial class SproutStore
{
    /// <summary>
    /// Auto scaling's capacity change: sets DesiredCapacity only (MinSize and MaxSize stay as configured), and only while
    /// the environment is Ready, so it can never overwrite what an operation that just began asked for. Returns whether it did.
    /// </summary>
    public Task<bool> SetDesiredCapacityAsync(string environmentId, int desiredCapacity, IReadOnlyList<EventDraft> events, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) => await connection.ExecuteAsync(
                "UPDATE environments SET desired_capacity = @desiredCapacity WHERE id = @environmentId AND status = @ready",
                new { desiredCapacity, environmentId, ready = EnvironmentStatus.Ready.ToString() },
                transaction) == 1,
            changed => changed ? events : [],
            cancellationToken);
}
