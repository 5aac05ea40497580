using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sprout.Core.Api;

namespace Sprout.Integration.Tests.Cli;

/// <summary>A real Kestrel server on 127.0.0.1:0 answering the API routes a test maps, and recording every request.</summary>
internal sealed class FakeSproutApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, FakeResponse>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeSproutApi(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Every request without this bearer token gets 401, as the real server does.</summary>
    public string? RequiredToken { get; set; }

    public static async Task<FakeSproutApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSproutApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.Url = new Uri(address);
        return fake;
    }

    public void Map(string method, string path, Func<RecordedRequest, FakeResponse> handler) => _routes[$"{method} {path}"] = handler;

    public void MapJson(string method, string path, object body, int status = 200) => Map(method, path, _ => FakeResponse.Json(body, status));

    public IEnumerable<RecordedRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var request = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray());
        _requests.Enqueue(request);

        FakeResponse response;
        if (RequiredToken is not null && request.Header("Authorization") != $"Bearer {RequiredToken}")
        {
            response = FakeResponse.Json(new ErrorDto("unauthorized", "A valid bearer token is required."), 401);
        }
        else if (_routes.TryGetValue($"{request.Method} {request.Path}", out var handler))
        {
            response = handler(request);
        }
        else
        {
            response = FakeResponse.Json(new ErrorDto("not_found", $"No route for {request.Method} {request.Path}."), 404);
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}

internal sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    public T BodyAs<T>() => JsonSerializer.Deserialize<T>(Body, SproutJson.Options)!;
}

internal sealed record FakeResponse(int Status, string ContentType, string Body)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static FakeResponse Json(object body, int status = 200) =>
        new(status, "application/json", JsonSerializer.Serialize(body, SproutJson.Options));

    /// <summary>The real server's answer to <c>POST …/deploy</c>: 202 with the environment and the <see cref="OperationHeaders"/>.</summary>
    public static FakeResponse DeploymentStarted(EnvironmentDto environment, long deploymentId, long eventsBefore) =>
        Json(environment, 202) with
        {
            Headers = new Dictionary<string, string>
            {
                [OperationHeaders.DeploymentId] = deploymentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [OperationHeaders.EventsBefore] = eventsBefore.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };

    public static FakeResponse Text(string body, int status = 200) => new(status, "text/plain", body);
}
