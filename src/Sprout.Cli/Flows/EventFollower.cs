using System.Net;
using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Cli.Flows;

/// <summary>
/// Prints an environment's events as they happen (long-polling the API) until the environment settles,
/// and remembers the first event that says the operation failed.
/// </summary>
internal sealed class EventFollower(ApiClient api, TextWriter progress, TimeProvider time)
{
    /// <summary>How long one long-poll may hang on the server; short enough to re-check the environment's status often.</summary>
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(5);

    private const int PageSize = 500;

    /// <summary>Beanstalk's failure messages (EB CLI keys on them), some of which come at WARN or INFO severity.</summary>
    private static readonly string[] FailureMessages =
    [
        "Failed to launch environment",
        "Failed to deploy application",
        "Failed to deploy configuration",
        "The environment was reverted to the previous configuration setting",
        "operation is complete, but with errors",
    ];

    /// <summary>The newest event id so far, so following starts after it. Pages forward, whichever end of the log the server's limit keeps.</summary>
    public async Task<long> GetLatestEventIdAsync(string? application, string? environment, CancellationToken cancellationToken)
    {
        long latest = 0;
        while (true)
        {
            var page = await api.GetEventsAsync(application, environment, latest, PageSize, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var newest = page.Count == 0 ? latest : Math.Max(latest, page.Max(e => e.Id));
            if (page.Count < PageSize || newest == latest)
            {
                return newest;
            }

            latest = newest;
        }
    }

    public async Task<FollowResult> FollowAsync(
        string? application,
        string environment,
        long afterId,
        Func<EnvironmentDto?, bool> isSettled,
        DateTimeOffset deadline,
        CancellationToken cancellationToken)
    {
        var lastId = afterId;
        EventDto? failure = null;
        void Show(IReadOnlyList<EventDto> events)
        {
            foreach (var item in events.Where(e => e.Id > lastId).OrderBy(e => e.Id))
            {
                Write(progress, item);
                failure ??= IsFailure(item) ? item : null;
                lastId = item.Id;
            }
        }

        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            var wait = remaining < PollWait ? remaining : PollWait;
            if (wait > TimeSpan.Zero)
            {
                Show(await api.GetEventsAsync(application, environment, lastId, PageSize, wait, cancellationToken).ConfigureAwait(false));
            }

            var current = await TryGetEnvironmentAsync(environment, cancellationToken).ConfigureAwait(false);
            if (isSettled(current))
            {
                // The closing events are written with the status, possibly after the poll above returned: read them too.
                Show(await api.GetEventsAsync(application, environment, lastId, PageSize, TimeSpan.Zero, cancellationToken).ConfigureAwait(false));
                return new FollowResult(current, failure, TimedOut: false, lastId);
            }

            if (time.GetUtcNow() >= deadline)
            {
                return new FollowResult(current, failure, TimedOut: true, lastId);
            }
        }
    }

    public static void Write(TextWriter writer, EventDto item)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(item);
        writer.WriteLine($"{CliOutput.FormatTime(item.EventDate)}  {item.Severity,-5}  {item.Message}");
    }

    public static bool IsFailure(EventDto item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (FailureMessages.Any(message => item.Message.Contains(message, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return item.Severity >= EventSeverity.ERROR
            && (item.Message.Contains("fail", StringComparison.OrdinalIgnoreCase)
                || item.Message.Contains("abort", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<EnvironmentDto?> TryGetEnvironmentAsync(string environment, CancellationToken cancellationToken)
    {
        try
        {
            return await api.GetEnvironmentAsync(environment, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
