using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Sprout.Core.Api;
using Sprout.Core.Bundles;
using Sprout.Core.Model;

namespace Sprout.Integration.Tests.Platform;

/// <summary>A thin typed client of the real API, for tests; every call goes over HTTP to the server process.</summary>
public sealed class SproutApi : IDisposable
{
    private readonly HttpClient _client;

    public SproutApi(string baseUrl, string? token)
    {
        _client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null)
        {
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public HttpClient Http => _client;

    public async Task<HttpResponseMessage> CreateApplicationAsync(string name)
    {
        return await _client.PostAsJsonAsync("/api/applications", new CreateApplicationRequest(name), SproutJson.Options);
    }

    public async Task EnsureApplicationAsync(string name)
    {
        using var response = await CreateApplicationAsync(name);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task<HttpResponseMessage> UploadAsync(string application, string label, Stream zip)
    {
        using var content = new StreamContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return await _client.PostAsync($"/api/applications/{application}/versions?label={Uri.EscapeDataString(label)}", content);
    }

    /// <summary>Zips a directory (files at the root, as Beanstalk wants) and uploads it; waits for the build to finish.</summary>
    public async Task<VersionDto> UploadDirectoryAsync(string application, string label, string directory, bool waitForBuild = true)
    {
        await EnsureApplicationAsync(application);
        using var zip = await ZipDirectoryAsync(directory);
        using var response = await UploadAsync(application, label, zip);
        await EnsureAsync(response);
        var version = (await response.Content.ReadFromJsonAsync<VersionDto>(SproutJson.Options))!;
        return waitForBuild ? await WaitForBuildAsync(application, label) : version;
    }

    public async Task<VersionDto> WaitForBuildAsync(string application, string label)
    {
        return await Poll.UntilAsync(
            () => GetAsync<VersionDto>($"/api/applications/{application}/versions/{Uri.EscapeDataString(label)}"),
            v => v.Status != VersionStatus.Processing,
            TimeSpan.FromMinutes(4),
            $"version {label} to finish building");
    }

    public async Task<EnvironmentDto> CreateEnvironmentAsync(CreateEnvironmentRequest request)
    {
        using var response = await _client.PostAsJsonAsync("/api/environments", request, SproutJson.Options);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<EnvironmentDto>(SproutJson.Options))!;
    }

    public Task<EnvironmentDto> GetEnvironmentAsync(string name) => GetAsync<EnvironmentDto>($"/api/environments/{name}");

    /// <summary>Waits until the environment has no operation running, and returns it.</summary>
    public Task<EnvironmentDto> WaitForReadyAsync(string name, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => GetEnvironmentAsync(name), e => e.Status == EnvironmentStatus.Ready, timeout ?? TimeSpan.FromMinutes(3), $"{name} to be Ready");

    public async Task<HttpResponseMessage> PostAsync<T>(string path, T body) =>
        await _client.PostAsJsonAsync(path, body, SproutJson.Options);

    public async Task<T> GetAsync<T>(string path)
    {
        using var response = await _client.GetAsync(path);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<T>(SproutJson.Options))!;
    }

    public Task<IReadOnlyList<EventDto>> EventsAsync(string environment) =>
        GetAsync<IReadOnlyList<EventDto>>($"/api/events?environment={environment}&limit=1000");

    public async Task TerminateAsync(string environment)
    {
        using var response = await _client.DeleteAsync($"/api/environments/{environment}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        await EnsureAsync(response);
        await Poll.UntilAsync(
            async () => (await _client.GetAsync($"/api/environments/{environment}")).StatusCode,
            s => s == HttpStatusCode.NotFound,
            TimeSpan.FromMinutes(1),
            $"{environment} to be terminated");
    }

    /// <summary>Zips a directory the way the CLI does (the same BundleZipper, ignore files honoured).</summary>
    public static async Task<MemoryStream> ZipDirectoryAsync(string directory)
    {
        var buffer = new MemoryStream();
        await BundleZipper.CreateAsync(directory, buffer, CancellationToken.None);
        buffer.Position = 0;
        return buffer;
    }

    public static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        }
    }

    public void Dispose() => _client.Dispose();
}
