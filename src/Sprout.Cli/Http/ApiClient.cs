using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Sprout.Core.Api;

namespace Sprout.Cli.Http;

/// <summary>
/// The Sprout JSON API, one method per endpoint. Failures surface as <see cref="ApiException"/> (the server said no)
/// or <see cref="ServerUnreachableException"/> (no answer), which the command runner turns into messages and exit codes.
/// </summary>
public sealed class ApiClient : IDisposable
{
    /// <summary>Ordinary calls are small; a server that takes longer than this is stuck, not busy.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private readonly HttpClient _http;

    public ApiClient(ServerConnection connection, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _http = new HttpClient(handler ?? CreateHandler(connection.ServerUrl), disposeHandler: true)
        {
            BaseAddress = connection.ServerUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("sprout-cli", "1.0"));
        if (connection.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        }
    }

    public ServerConnection Connection { get; }

    public Task<IReadOnlyList<ApplicationDto>> ListApplicationsAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ApplicationDto>>("api/applications", cancellationToken);

    public Task<ApplicationDto> GetApplicationAsync(string application, CancellationToken cancellationToken) =>
        GetAsync<ApplicationDto>($"api/applications/{Escape(application)}", cancellationToken);

    /// <summary>Creates the application; returns null when it already exists (409), which callers treat as success.</summary>
    public async Task<ApplicationDto?> EnsureApplicationAsync(string application, string? description, CancellationToken cancellationToken)
    {
        try
        {
            return await SendJsonAsync<ApplicationDto>(HttpMethod.Post, "api/applications", new CreateApplicationRequest(application, description), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<VersionDto>> ListVersionsAsync(string application, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<VersionDto>>($"api/applications/{Escape(application)}/versions", cancellationToken);

    public Task<VersionDto> GetVersionAsync(string application, string label, CancellationToken cancellationToken) =>
        GetAsync<VersionDto>($"api/applications/{Escape(application)}/versions/{Escape(label)}", cancellationToken);

    public async Task<string> GetBuildLogAsync(string application, string label, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/applications/{Escape(application)}/versions/{Escape(label)}/build-log");
        using var response = await SendAsync(request, RequestTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams the zip from <paramref name="bundle"/> (from its current position) as the body of a new version.</summary>
    public async Task<VersionDto> UploadVersionAsync(
        string application,
        string label,
        string? description,
        Stream bundle,
        string sha256Hex,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var query = $"label={Uri.EscapeDataString(label)}";
        if (!string.IsNullOrEmpty(description))
        {
            query += $"&description={Uri.EscapeDataString(description)}";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/applications/{Escape(application)}/versions?{query}");
        var content = new StreamContent(bundle, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        request.Content = content;
        request.Headers.Add("X-Content-Sha256", sha256Hex);
        using var response = await SendAsync(request, timeout: null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<VersionDto>(response, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<EnvironmentDto>> ListEnvironmentsAsync(string? application, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<EnvironmentDto>>(
            application is null ? "api/environments" : $"api/environments?application={Uri.EscapeDataString(application)}",
            cancellationToken);

    public Task<EnvironmentDto> GetEnvironmentAsync(string environment, CancellationToken cancellationToken) =>
        GetAsync<EnvironmentDto>($"api/environments/{Escape(environment)}", cancellationToken);

    public Task<EnvironmentDto> CreateEnvironmentAsync(CreateEnvironmentRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync<EnvironmentDto>(HttpMethod.Post, "api/environments", request, cancellationToken);

    public async Task TerminateEnvironmentAsync(string environment, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/environments/{Escape(environment)}");
        using var response = await SendAsync(request, RequestTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DeploymentStarted> DeployAsync(string environment, DeployRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"api/environments/{Escape(environment)}/deploy") { Content = JsonContent.Create(request, options: SproutJson.Options) };
        using var response = await SendAsync(message, RequestTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var described = await ReadJsonAsync<EnvironmentDto>(response, cancellationToken).ConfigureAwait(false);
        return new DeploymentStarted(described, LongHeader(response, OperationHeaders.DeploymentId), LongHeader(response, OperationHeaders.EventsBefore));
    }

    public Task AbortAsync(string environment, CancellationToken cancellationToken) =>
        PostAsync($"api/environments/{Escape(environment)}/abort", new { }, cancellationToken);

    /// <summary>The deployment in progress on the environment, or the last one the server finished; 404 (<see cref="ApiException"/>) when neither.</summary>
    public Task<DeploymentProgressDto> GetDeploymentAsync(string environment, CancellationToken cancellationToken) =>
        GetAsync<DeploymentProgressDto>($"api/environments/{Escape(environment)}/deployment", cancellationToken);

    public Task<SwapResultDto> SwapAsync(string environment, SwapRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync<SwapResultDto>(HttpMethod.Post, $"api/environments/{Escape(environment)}/swap", request, cancellationToken);

    public Task<ShiftResultDto> ShiftAsync(string environment, ShiftRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync<ShiftResultDto>(HttpMethod.Post, $"api/environments/{Escape(environment)}/shift", request, cancellationToken);

    public Task<EnvironmentDto> CloneAsync(string environment, CloneRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync<EnvironmentDto>(HttpMethod.Post, $"api/environments/{Escape(environment)}/clone", request, cancellationToken);

    public Task ScaleAsync(string environment, ScaleRequest request, CancellationToken cancellationToken) =>
        PostAsync($"api/environments/{Escape(environment)}/scale", request, cancellationToken);

    public Task<ConfigurationDto> GetConfigurationAsync(string environment, CancellationToken cancellationToken) =>
        GetAsync<ConfigurationDto>($"api/environments/{Escape(environment)}/configuration", cancellationToken);

    public Task UpdateConfigurationAsync(string environment, UpdateConfigurationRequest request, CancellationToken cancellationToken) =>
        PostAsync($"api/environments/{Escape(environment)}/configuration", request, cancellationToken);

    public Task<EnvironmentHealthDto> GetHealthAsync(string environment, CancellationToken cancellationToken) =>
        GetAsync<EnvironmentHealthDto>($"api/environments/{Escape(environment)}/health", cancellationToken);

    /// <summary>Beanstalk's DescribeEnvironmentHealth for one environment.</summary>
    public Task<EnvironmentHealthDescriptionDto> DescribeEnvironmentHealthAsync(string environment, CancellationToken cancellationToken) =>
        GetAsync<EnvironmentHealthDescriptionDto>($"api/environments/{Escape(environment)}/health/environment", cancellationToken);

    /// <summary>Beanstalk's DescribeInstancesHealth for one environment.</summary>
    public Task<InstancesHealthDescriptionDto> DescribeInstancesHealthAsync(string environment, CancellationToken cancellationToken) =>
        GetAsync<InstancesHealthDescriptionDto>($"api/environments/{Escape(environment)}/health/instances", cancellationToken);

    /// <summary>Events newer than <paramref name="afterId"/>, oldest first. A positive <paramref name="wait"/> long-polls.</summary>
    public async Task<IReadOnlyList<EventDto>> GetEventsAsync(
        string? application,
        string? environment,
        long? afterId,
        int? limit,
        TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (application is not null)
        {
            query.Add($"application={Uri.EscapeDataString(application)}");
        }

        if (environment is not null)
        {
            query.Add($"environment={Uri.EscapeDataString(environment)}");
        }

        if (afterId is not null)
        {
            query.Add($"after={afterId.Value}");
        }

        if (limit is not null)
        {
            query.Add($"limit={limit.Value}");
        }

        if (wait > TimeSpan.Zero)
        {
            query.Add($"wait={(int)Math.Ceiling(wait.TotalSeconds)}");
        }

        var path = "api/events" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, RequestTimeout + wait, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<IReadOnlyList<EventDto>>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="lines">A line count, or null for every line the server kept.</param>
    public Task<LogsDto> GetLogsAsync(string environment, int? lines, string? instanceId, CancellationToken cancellationToken)
    {
        var path = $"api/environments/{Escape(environment)}/logs?lines={(lines is null ? "all" : lines.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
        if (instanceId is not null)
        {
            path += $"&instance={Uri.EscapeDataString(instanceId)}";
        }

        return GetAsync<LogsDto>(path, cancellationToken);
    }

    /// <summary>Yields "i-xxx | stdout | line" lines as the server sends them, until cancelled or the server ends the stream.</summary>
    public async IAsyncEnumerable<string> StreamLogsAsync(string environment, string? instanceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"api/environments/{Escape(environment)}/logs/stream";
        if (instanceId is not null)
        {
            path += $"?instance={Uri.EscapeDataString(instanceId)}";
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, timeout: null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return line;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, RequestTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, body.GetType(), options: SproutJson.Options) };
        using var response = await SendAsync(request, RequestTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For the 202 verbs: the answer's body is not needed, the caller follows the environment instead.</summary>
    private async Task PostAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: SproutJson.Options) };
        using var response = await SendAsync(request, RequestTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        TimeSpan? timeout,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is not null)
        {
            timeoutSource.CancelAfter(timeout.Value);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(Connection.ServerUrl, $"no answer within {timeout?.TotalSeconds:0} seconds", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerUnreachableException(Connection.ServerUrl, DescribeConnectionFailure(ex), ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static long? LongHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(SproutJson.Options, cancellationToken).ConfigureAwait(false);
            return value ?? throw new ApiException(response.StatusCode, "empty_response", $"The server answered {(int)response.StatusCode} without a body.");
        }
        catch (JsonException ex)
        {
            throw new ApiException(response.StatusCode, "invalid_response", $"The server's answer to {response.RequestMessage?.RequestUri?.AbsolutePath} is not the expected JSON: {ex.Message}");
        }
    }

    private static async Task<ApiException> ToApiExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        try
        {
            var error = JsonSerializer.Deserialize<ErrorDto>(body, SproutJson.Options);
            if (error is { Message: not null })
            {
                return new ApiException(response.StatusCode, error.Error, error.Message);
            }
        }
        catch (JsonException)
        {
            // Not an ErrorDto (a proxy's HTML page, a plain-text 500): show what came back.
        }

        var text = body.Length > 300 ? body[..300] + "…" : body;
        var message = string.IsNullOrWhiteSpace(text) ? $"HTTP {status} {response.ReasonPhrase}" : $"HTTP {status} {response.ReasonPhrase}: {text.Trim()}";
        return new ApiException(response.StatusCode, null, message);
    }

    private static string DescribeConnectionFailure(HttpRequestException ex) => ex switch
    {
        { InnerException: SocketException socket } => socket.Message,
        { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } => ex.Message,
        // Connected, then the exchange broke: e.g. the server refused a bundle over its size limit and closed the connection.
        _ => $"the connection broke during the request ({ex.Message})",
    };

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static SocketsHttpHandler CreateHandler(Uri serverUrl) => new()
    {
        // A local server must not be sent through a corporate proxy picked up from the environment.
        UseProxy = !serverUrl.IsLoopback,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AllowAutoRedirect = false,
    };
}
