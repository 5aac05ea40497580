using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Server.Events;
using Sprout.Server.Store;

namespace Sprout.Server.Api;

internal static class EventEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    public static void MapEventEndpoints(this IEndpointRouteBuilder api)
    {
        // `wait` turns the call into a long poll: it answers as soon as an event newer than `after` exists.
        api.MapGet("/events", async (string? application, string? environment, long? after, int? limit, int? wait, EventSeverity? severity, SproutStore store, EventNotifier notifier, CancellationToken ct) =>
        {
            var query = new EventQuery(application, environment, Math.Max(0, after ?? 0), Math.Clamp(limit ?? 100, 1, 1000), severity);
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, (int)MaxWait.TotalSeconds));
            while (true)
            {
                // Take the notification before reading, so an event committed in between still wakes us.
                var next = notifier.NextAsync;
                var events = await store.ListEventsAsync(query, ct);
                var remaining = deadline - DateTimeOffset.UtcNow;
                if (events.Count > 0 || remaining <= TimeSpan.Zero)
                {
                    return (IReadOnlyList<EventDto>)events;
                }

                using (var delay = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    await Task.WhenAny(next, Task.Delay(remaining, delay.Token));
                    await delay.CancelAsync();
                }

                ct.ThrowIfCancellationRequested();
            }
        }).WithTags("Events");
    }
}
