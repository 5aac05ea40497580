using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Sprout.Core.Api;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Bad input is refused clearly and leaves nothing behind: hostile zips, oversize uploads, duplicate names, no token.</summary>
[Collection(ServerCollection.Name)]
public sealed class ApiGuardTests(ServerFixture fixture)
{
    private SproutApi Api => fixture.Api;

    private string ArtifactsDirectory => Path.Combine(fixture.Server.DataDirectory, "artifacts");

    [Fact]
    public async Task PathTraversalZip_IsRefusedAndNothingIsStored()
    {
        await Api.EnsureApplicationAsync("guards");
        var before = StoredFiles();
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry("../../escape.txt").Open());
            await writer.WriteAsync("owned");
        }

        zip.Position = 0;
        using var response = await Api.UploadAsync("guards", "traversal-1", zip);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bundle_path_traversal", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, StoredFiles());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Http.GetAsync("/api/applications/guards/versions/traversal-1")).StatusCode);
    }

    [Fact]
    public async Task OversizeUpload_IsRefusedWith413AndNothingIsStored()
    {
        await Api.EnsureApplicationAsync("guards");
        var before = StoredFiles();
        var tooBig = new byte[(fixture.Server.MaxBundleMegabytes + 1) * 1024 * 1024];
        Random.Shared.NextBytes(tooBig);

        // Without a Content-Length the server must count while streaming, and stop at the limit.
        using var content = new StreamContent(new NonSeekableStream(tooBig));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications/guards/versions?label=huge-1") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        HttpStatusCode? status = null;
        try
        {
            using var response = await Api.Http.SendAsync(request);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server may close the connection while the client is still sending; what matters is what it kept.
        }

        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"unexpected status {status}");
        Assert.Equal(before, StoredFiles());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Http.GetAsync("/api/applications/guards/versions/huge-1")).StatusCode);
    }

    [Fact]
    public async Task DuplicateAndInvalidNames_AreRefused()
    {
        using (var first = await Api.CreateApplicationAsync("dupes"))
        using (var second = await Api.CreateApplicationAsync("dupes"))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }

        await Api.UploadDirectoryAsync("dupes", "same-label", Repository.Sample("static"));
        using (var zip = await SproutApi.ZipDirectoryAsync(Repository.Sample("static")))
        using (var again = await Api.UploadAsync("dupes", "same-label", zip))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        using (var badName = await Api.PostAsync("/api/environments", new CreateEnvironmentRequest("dupes", "-bad-", "same-label")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
            Assert.Contains("invalid_environment_name", await badName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Environments.CreateAsync(fixture, "dupes", "dupes-env", "same-label", 1);
        using (var twice = await Api.PostAsync("/api/environments", new CreateEnvironmentRequest("dupes", "dupes-env", "same-label")))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }

        await Api.TerminateAsync("dupes-env");
    }

    [Fact]
    public async Task CallsWithoutTheToken_AreRefused()
    {
        using var anonymous = new SproutApi(fixture.Server.ApiUrl, null);
        using var wrong = new SproutApi(fixture.Server.ApiUrl, "not-the-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/api/applications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.Http.GetAsync("/api/environments")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/API/applications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/Api/environments")).StatusCode);
        using var create = await anonymous.CreateApplicationAsync("sneaky");
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Http.GetAsync("/api/applications/sneaky")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync("/openapi/v1.json")).StatusCode);
    }

    private string StoredFiles() =>
        Directory.Exists(ArtifactsDirectory)
            ? string.Join(",", Directory.EnumerateFiles(ArtifactsDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            : "";

    /// <summary>A body with no known length, as a streaming client sends.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
