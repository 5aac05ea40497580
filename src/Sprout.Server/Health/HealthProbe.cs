using System.Net.Sockets;

namespace Sprout.Server.Health;

/// <summary>Active health checks: an HTTP GET of the environment's health-check path on an instance's port.</summary>
internal sealed class HealthProbe : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    public async Task<ProbeResult> ProbeAsync(int port, string path, TimeSpan timeout, Func<int, bool> matches, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var target = $"http://127.0.0.1:{port}{(path.StartsWith('/') ? path : "/" + path)}";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.UserAgent.ParseAdd("Sprout-HealthChecker/1.0");
            using var response = await _client.SendAsync(request, timeoutSource.Token);
            var code = (int)response.StatusCode;
            return matches(code)
                ? ProbeResult.Healthy
                : ProbeResult.Unhealthy($"GET {path} returned HTTP {code}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Unhealthy($"GET {path} timed out after {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socket)
        {
            return ProbeResult.Unhealthy($"GET {path} failed: {Describe(socket.SocketErrorCode)} on port {port}");
        }
        catch (HttpRequestException e)
        {
            return ProbeResult.Unhealthy($"GET {path} failed: {e.Message}");
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.TimedOut => "connect timed out",
        _ => error.ToString(),
    };

    public void Dispose() => _client.Dispose();
}

internal sealed record ProbeResult(bool Ok, string? Cause)
{
    public static ProbeResult Healthy { get; } = new(true, null);

    public static ProbeResult Unhealthy(string cause) => new(false, cause);
}
