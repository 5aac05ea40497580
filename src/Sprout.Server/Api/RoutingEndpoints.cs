using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Api;
using Sprout.Server.Routing.Remote;

namespace Sprout.Server.Api;

/// <summary>
/// The routing feed that <c>sprout router</c> processes follow. <c>GET /api/routing/table</c> answers
/// 200 with the whole <see cref="RouteTableDocument"/>; with <c>epoch</c> equal to the current one and
/// <c>after</c> at or above the current version it long-polls up to <c>wait</c> seconds (at most 60)
/// and answers 204 with no body if nothing changed. Until the server has restored its environments
/// it answers 503 with Retry-After, so a follower never swaps a good table for an empty one.
/// </summary>
internal static class RoutingEndpoints
{
    public const string RetryAfterSeconds = "1";

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    public static void MapRoutingEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/routing/table", async (long? after, string? epoch, int? wait, string? router, RouteFeed feed, RouteFeedFollowers followers, HttpContext context, CancellationToken ct) =>
        {
            var longPoll = TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, (int)MaxWait.TotalSeconds));
            var followerId = string.IsNullOrWhiteSpace(router) ? $"address:{context.Connection.RemoteIpAddress}" : router;
            using var poll = followers.BeginPoll(followerId, longPoll);
            if (!feed.IsReady)
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return Results.Json(new ErrorDto("not_ready", "The control plane is restoring its environments; the routing table is not complete yet."), SproutJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var snapshot = feed.Table.Current;
            if (epoch == feed.Epoch && after is { } known && snapshot.Version <= known)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(longPoll);
                try
                {
                    snapshot = await feed.Table.WaitForChangeAsync(known, deadline.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return Results.NoContent();
                }
            }

            return Results.Json(feed.Describe(snapshot), SproutJson.Options);
        }).WithTags("Routing");
    }
}
