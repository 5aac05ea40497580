using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sprout.Core.Bundles;
using Sprout.Server.Artifacts;

namespace Sprout.Integration.Tests.Artifacts;

/// <summary>The store behind a real Kestrel endpoint, fed by real sockets: what a client abort really looks like.</summary>
public sealed class ArtifactUploadOverHttpTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly string _root = Directory.CreateTempSubdirectory("sprout-upload-").FullName;
    private readonly Channel<Exception?> _outcomes = Channel.CreateUnbounded<Exception?>();
    private FileArtifactStore _store = null!;
    private WebApplication _app = null!;
    private Uri _baseAddress = null!;

    public async Task InitializeAsync()
    {
        _store = new FileArtifactStore(new ArtifactStoreOptions(Path.Combine(_root, "artifacts"), 1024 * 1024, ZipLimits.Default));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPut("/bundles", (Delegate)Upload);
        await _app.StartAsync();
        _baseAddress = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Upload_GoodBundle_IsStoredUnderItsSha256()
    {
        byte[] bundle = TestBundles.NodeApp();
        using var client = new HttpClient { BaseAddress = _baseAddress, Timeout = Deadline };

        using var response = await client.PutAsync("/bundles", new ByteArrayContent(bundle));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<UploadResponse>();
        string sha = Convert.ToHexStringLower(SHA256.HashData(bundle));
        Assert.Equal(sha, body?.Sha256);
        Assert.NotNull(_store.GetBundlePath(sha));
    }

    [Fact]
    public async Task Upload_HostileBundle_Is400WithItsCode()
    {
        using var client = new HttpClient { BaseAddress = _baseAddress, Timeout = Deadline };

        using var response = await client.PutAsync("/bundles", new ByteArrayContent(TestBundles.Zip(("../../evil.sh", "rm -rf /"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ZipSafetyCodes.PathTraversal, (await response.Content.ReadFromJsonAsync<UploadResponse>())?.Code);
        AssertNothingKept();
    }

    [Fact]
    public async Task Upload_ClientDisconnectsMidBody_LeavesNothing()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _baseAddress.Port);
        string head = $"PUT /bundles HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/zip\r\nContent-Length: {512 * 1024}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        await socket.SendAsync(new byte[200 * 1024]);

        // The upload is in flight once its temporary file exists; only then is the disconnect a mid-body one.
        await PollUntil(() => Directory.Exists(_store.TemporaryDirectory) && Directory.GetFiles(_store.TemporaryDirectory).Length > 0);
        socket.Close(timeout: 0); // RST, as a killed client does

        using var timeout = new CancellationTokenSource(Deadline);
        var outcome = await _outcomes.Reader.ReadAsync(timeout.Token);
        Assert.NotNull(outcome);
        Assert.IsNotType<BundleRejectedException>(outcome);
        AssertNothingKept();
    }

    private async Task<IResult> Upload(HttpContext context)
    {
        // The store counts the bytes itself and answers 413 with a code; Kestrel's 30 MB default would cut in first.
        context.Features.GetRequiredFeature<IHttpMaxRequestBodySizeFeature>().MaxRequestBodySize = null;
        try
        {
            var stored = await _store.PutBundleAsync(context.Request.Body, expectedSha256: null, context.RequestAborted);
            _outcomes.Writer.TryWrite(null);
            return Results.Ok(new UploadResponse(stored.Sha256, null));
        }
        catch (BundleRejectedException rejected)
        {
            _outcomes.Writer.TryWrite(rejected);
            return Results.Json(new UploadResponse(null, rejected.Code), statusCode: rejected.StatusCode);
        }
        catch (Exception exception)
        {
            _outcomes.Writer.TryWrite(exception);
            throw;
        }
    }

    private static async Task PollUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(10);
        }
    }

    private void AssertNothingKept()
    {
        Assert.Empty(Directory.Exists(_store.TemporaryDirectory) ? Directory.GetFiles(_store.TemporaryDirectory) : []);
        Assert.Empty(Directory.Exists(_store.BundlesDirectory) ? Directory.GetFiles(_store.BundlesDirectory, "*", SearchOption.AllDirectories) : []);
    }

    private sealed record UploadResponse(string? Sha256, string? Code);
}
