using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sprout.Core.Api;

namespace Sprout.Server.Routing.Remote;

/// <summary>
/// Keeps a remote router's <see cref="RouteTable"/> in step with the control plane: long-polls the
/// routing feed and applies each table it gets in one publish. When the control plane is down,
/// restarting or not ready, it keeps the last table (the instances outlive the control plane) and
/// retries with a capped backoff.
/// </summary>
public sealed class RouteTableFollower : IDisposable
{
    /// <summary>How long past the long-poll wait a poll may take before it counts as lost.</summary>
    private static readonly TimeSpan PollGrace = TimeSpan.FromSeconds(15);

    private readonly RouteTableFollowerOptions _options;
    private readonly RouteTable _table;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly Uri _feed;
    private readonly TaskCompletionSource _firstTable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _appliedEpoch;
    private long _appliedVersion = -1;
    private volatile bool _connected;
    private int _consecutiveFailures;

    /// <param name="handler">How to reach the control plane; null for a plain socket handler.</param>
    public RouteTableFollower(RouteTableFollowerOptions options, RouteTable table, ILogger logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _table = table;
        _logger = logger;
        _feed = new Uri(new Uri(options.ControlPlane.ToString().TrimEnd('/') + "/"), "api/routing/table");
        _client = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The control-plane start the applied table came from; null until the first table.</summary>
    public string? AppliedEpoch => Volatile.Read(ref _appliedEpoch);

    /// <summary>The feed version of the applied table; -1 until the first table.</summary>
    public long AppliedVersion => Interlocked.Read(ref _appliedVersion);

    /// <summary>True while the last poll reached a ready control plane.</summary>
    public bool Connected => _connected;

    /// <summary>Polls that failed since the last one that reached a ready control plane.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>Completes when the first table has been applied.</summary>
    public Task FirstTableApplied => _firstTable.Task;

    /// <summary>Follows the feed until <paramref name="cancellationToken"/> fires; never fails on the control plane's account.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retryDelay = _options.MinRetryDelay;
        DateTimeOffset? outageSince = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            PollOutcome outcome;
            try
            {
                outcome = await PollOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (outcome.Failure is null)
            {
                _connected = true;
                Volatile.Write(ref _consecutiveFailures, 0);
                retryDelay = _options.MinRetryDelay;
                if (outageSince is { } since)
                {
                    RouteTableFollowerLog.OutageEnded(_logger, _options.ControlPlane, DateTimeOffset.UtcNow - since);
                    outageSince = null;
                }

                continue;
            }

            _connected = false;
            Interlocked.Increment(ref _consecutiveFailures);
            if (outageSince is null)
            {
                outageSince = DateTimeOffset.UtcNow;
                RouteTableFollowerLog.OutageStarted(_logger, _options.ControlPlane, outcome.Failure);
            }

            var delay = outcome.RetryAfter is { } asked && asked > retryDelay ? Min(asked, _options.MaxRetryDelay) : retryDelay;
            RouteTableFollowerLog.Retrying(_logger, outcome.Failure, delay);
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retryDelay = Min(retryDelay * 2, _options.MaxRetryDelay);
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<PollOutcome> PollOnceAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PollUri());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.LongPollWait + PollGrace);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var document = await response.Content.ReadFromJsonAsync<RouteTableDocument>(SproutJson.Options, timeout.Token);
                    return Apply(document);
                case HttpStatusCode.NoContent:
                    return PollOutcome.Success;
                case HttpStatusCode.ServiceUnavailable:
                    return new PollOutcome("the control plane is not ready yet", response.Headers.RetryAfter?.Delta);
                case HttpStatusCode.Unauthorized:
                    return new PollOutcome("the control plane refused the token (401)", _options.MaxRetryDelay);
                default:
                    return new PollOutcome($"the routing feed answered {(int)response.StatusCode}", null);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PollOutcome("the routing feed did not answer in time", null);
        }
        catch (HttpRequestException e)
        {
            // The outer message only says "an error occurred while sending the request"; the cause is inside.
            return new PollOutcome(e.InnerException?.Message ?? e.Message, null);
        }
        catch (IOException e)
        {
            return new PollOutcome(e.Message, null);
        }
        catch (JsonException e)
        {
            return new PollOutcome($"the routing feed sent an unreadable table: {e.Message}", null);
        }
    }

    private Uri PollUri()
    {
        var wait = ((int)Math.Ceiling(_options.LongPollWait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var query = $"?wait={wait}&router={Uri.EscapeDataString(_options.FollowerId)}";
        if (AppliedEpoch is { } epoch)
        {
            query += $"&epoch={Uri.EscapeDataString(epoch)}&after={AppliedVersion.ToString(CultureInfo.InvariantCulture)}";
        }

        return new Uri(_feed, query);
    }

    private PollOutcome Apply(RouteTableDocument? document)
    {
        if (document is null || string.IsNullOrEmpty(document.Epoch) || document.Environments is null)
        {
            return new PollOutcome("the routing feed sent an empty answer", null);
        }

        // A new epoch is a restarted control plane whose versions start again at 0: take its table whatever the number.
        if (document.Epoch == AppliedEpoch && document.Version <= AppliedVersion)
        {
            return PollOutcome.Success;
        }

        try
        {
            _table.ReplaceAll(document.Environments);
        }
        catch (ArgumentException e)
        {
            return new PollOutcome($"the routing feed sent an invalid table: {e.Message}", _options.MaxRetryDelay);
        }

        Interlocked.Exchange(ref _appliedVersion, document.Version);
        Volatile.Write(ref _appliedEpoch, document.Epoch);
        RouteTableFollowerLog.Applied(_logger, document.Epoch, document.Version, document.Environments.Count);
        _firstTable.TrySetResult();
        return PollOutcome.Success;
    }

    private static TimeSpan Min(TimeSpan left, TimeSpan right) => left < right ? left : right;

    private readonly record struct PollOutcome(string? Failure, TimeSpan? RetryAfter)
    {
        public static PollOutcome Success => default;
    }
}
