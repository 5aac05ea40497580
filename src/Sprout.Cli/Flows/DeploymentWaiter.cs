using System.Net;
using System.Text;
using Sprout.Cli.Commands;
using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Cli.Flows;

/// <summary>
/// Follows a deployment to its end with its progress (<c>GET …/deployment</c>) beside the events. On a terminal the
/// progress is a block redrawn in place under the events as they scroll; otherwise (piped, CI, <c>--json</c>) each
/// event and each step transition is one plain line. The exit code is non-zero when the deployment failed or was
/// rolled back, and the last line then names the failed step and why. Against a server without the progress API
/// it follows events only, as <see cref="EnvironmentWaiter"/> does.
/// </summary>
internal sealed class DeploymentWaiter(ClientSession session)
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    private const int PageSize = 500;

    private const int FallbackWidth = 120;

    private readonly bool _redraw = session.Context.IsOutputInteractive && !session.Output.Json;

    private int _blockLines;

    /// <summary>
    /// Call before sending the request. With <paramref name="followCurrent"/> (abort) the deployment shown now is the
    /// one to follow; otherwise (deploy) it is an earlier one, and following waits for a new one.
    /// </summary>
    public async Task<DeploymentMark> MarkAsync(string environment, bool followCurrent, CancellationToken cancellationToken)
    {
        var events = await new EnvironmentWaiter(session).MarkAsync(environment, cancellationToken).ConfigureAwait(false);
        var earlier = followCurrent ? null : await TryGetDeploymentAsync(environment, cancellationToken).ConfigureAwait(false);
        return new DeploymentMark(events, earlier?.DeploymentId);
    }

    public async Task<int> WaitAsync(string environment, DeploymentMark mark, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var (result, deployment) = await FollowAsync(environment, mark, deadline, cancellationToken).ConfigureAwait(false);
        if (!result.TimedOut && deployment is { Outcome: { } outcome } && deployment.HasFailed)
        {
            if (session.Output.Json)
            {
                session.Output.WriteJson(deployment);
            }

            var error = session.Output.Error;
            error.WriteLine($"sprout: deployment {deployment.DeploymentId} of {deployment.TargetVersionLabel} to {environment} ended {outcome.Result}: {outcome.Message}");
            if (outcome.RecommendedAction is { } action)
            {
                error.WriteLine($"  {action}");
            }

            error.WriteLine($"See the logs with `sprout logs {environment}` and the events with `sprout events {environment}`.");
            error.WriteLine(DeploymentProgressRenderer.Cause(deployment));
            return ExitCodes.Failed;
        }

        var finished = deployment is { Outcome: not null } ? deployment : null;
        return await new EnvironmentWaiter(session).ConcludeReadyAsync(environment, result, finished, deadline, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(FollowResult Result, DeploymentProgressDto? Deployment)> FollowAsync(
        string environment, DeploymentMark mark, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var lastId = mark.AfterEventId;
        EventDto? failure = null;
        DeploymentProgressDto? shown = null;
        while (true)
        {
            var remaining = deadline - session.Time.GetUtcNow();
            var interval = _redraw ? RedrawInterval : LineInterval;
            var wait = remaining < interval ? remaining : interval;
            IReadOnlyList<EventDto> events = wait > TimeSpan.Zero
                ? await session.Api.GetEventsAsync(session.ApplicationOrDefault, environment, lastId, PageSize, wait, cancellationToken).ConfigureAwait(false)
                : [];
            var current = await TryGetEnvironmentAsync(environment, cancellationToken).ConfigureAwait(false);
            var settled = current is null || current.Status is EnvironmentStatus.Ready or EnvironmentStatus.Terminated;
            if (settled)
            {
                // The closing events are written with the status: read what came after the poll above.
                events = [.. events, .. await session.Api.GetEventsAsync(session.ApplicationOrDefault, environment, lastId, PageSize, TimeSpan.Zero, cancellationToken).ConfigureAwait(false)];
            }

            var fresh = events.Where(e => e.Id > lastId).DistinctBy(e => e.Id).OrderBy(e => e.Id).ToList();
            foreach (var item in fresh)
            {
                failure ??= EventFollower.IsFailure(item) ? item : null;
                lastId = item.Id;
            }

            // Read after the environment: once it is Ready the deployment's document is final.
            var deployment = Ours(await TryGetDeploymentAsync(environment, cancellationToken).ConfigureAwait(false), mark) ?? shown;
            await ShowAsync(fresh, shown, deployment, cancellationToken).ConfigureAwait(false);
            shown = deployment;
            if (settled)
            {
                return (new FollowResult(current, failure, TimedOut: false, lastId), shown);
            }

            if (session.Time.GetUtcNow() >= deadline)
            {
                return (new FollowResult(current, failure, TimedOut: true, lastId), shown);
            }
        }
    }

    private async Task ShowAsync(IReadOnlyList<EventDto> events, DeploymentProgressDto? before, DeploymentProgressDto? after, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        using var writer = new StringWriter(text, System.Globalization.CultureInfo.InvariantCulture);
        if (_redraw && _blockLines > 0)
        {
            // Back to the block's first line and clear to the end of the screen; the events then print where it was.
            writer.Write($"\u001b[{_blockLines}F\u001b[J");
        }

        foreach (var item in events)
        {
            EventFollower.Write(writer, item);
        }

        if (after is not null)
        {
            var lines = _redraw ? DeploymentProgressRenderer.Block(after, TerminalWidth()) : DeploymentProgressRenderer.Transitions(before, after);
            foreach (var line in lines)
            {
                writer.WriteLine(line);
            }

            _blockLines = _redraw ? lines.Count : 0;
        }

        if (text.Length == 0)
        {
            return;
        }

        var progress = session.Output.Progress;
        await progress.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await progress.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The document when it describes the deployment this command follows, not one that finished before it.</summary>
    private static DeploymentProgressDto? Ours(DeploymentProgressDto? deployment, DeploymentMark mark) =>
        deployment is not null && (mark.DeploymentId is { } id ? deployment.DeploymentId == id : deployment.DeploymentId != mark.EarlierDeploymentId) ? deployment : null;

    /// <summary>Null when the server has none to show (404), or predates the progress API.</summary>
    private async Task<DeploymentProgressDto?> TryGetDeploymentAsync(string environment, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Api.GetDeploymentAsync(environment, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<EnvironmentDto?> TryGetEnvironmentAsync(string environment, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Api.GetEnvironmentAsync(environment, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : FallbackWidth;
        }
        catch (IOException)
        {
            return FallbackWidth;
        }
    }
}

/// <param name="AfterEventId">Events up to this id happened before the request.</param>
/// <param name="EarlierDeploymentId">The deployment the server showed before the request, which is not the one to follow.</param>
/// <param name="DeploymentId">The deployment to follow, when the server named it in its answer to the request.</param>
internal sealed record DeploymentMark(long AfterEventId, long? EarlierDeploymentId, long? DeploymentId = null)
{
    /// <summary>The mark the server's answer to <c>POST …/deploy</c> carries, or null when it carries none.</summary>
    public static DeploymentMark? From(DeploymentStarted started) =>
        started is { DeploymentId: { } id, EventsBefore: { } before } ? new DeploymentMark(before, EarlierDeploymentId: null, id) : null;
}
