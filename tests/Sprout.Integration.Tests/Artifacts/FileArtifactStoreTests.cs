using System.Security.Cryptography;
using Sprout.Core.Bundles;
using Sprout.Server;
using Sprout.Server.Artifacts;

namespace Sprout.Integration.Tests.Artifacts;

public sealed class FileArtifactStoreTests : IDisposable
{
    private const long MaxBundleBytes = 256 * 1024;

    private readonly string _artifacts = Path.Combine(Directory.CreateTempSubdirectory("sprout-artifacts-").FullName, "artifacts");
    private readonly FileArtifactStore _store;

    public FileArtifactStoreTests() => _store = new FileArtifactStore(new ArtifactStoreOptions(_artifacts, MaxBundleBytes, ZipLimits.Default));

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_artifacts)!, recursive: true);

    [Fact]
    public async Task PutBundleAsync_GoodBundle_IsStoredUnderItsSha256()
    {
        byte[] bundle = TestBundles.NodeApp();
        string sha = Convert.ToHexStringLower(SHA256.HashData(bundle));

        var stored = await _store.PutBundleAsync(new MemoryStream(bundle), expectedSha256: null, CancellationToken.None);

        Assert.Equal(sha, stored.Sha256);
        Assert.Equal(bundle.Length, stored.Size);
        Assert.Equal(Path.Combine(_artifacts, "sha256", sha[..2], sha + ".zip"), stored.Path);
        Assert.Equal(bundle, await File.ReadAllBytesAsync(stored.Path));
        Assert.Equal(stored.Path, _store.GetBundlePath(sha));
        Assert.Empty(Directory.GetFiles(_store.TemporaryDirectory));
    }

    [Fact]
    public async Task PutBundleAsync_Directories_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes only
        }

        var stored = await _store.PutBundleAsync(new MemoryStream(TestBundles.NodeApp()), null, CancellationToken.None);

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(_store.TemporaryDirectory));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(_store.BundlesDirectory));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.GetDirectoryName(stored.Path)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stored.Path));
    }

    [Fact]
    public async Task PutBundleAsync_SameBytesTwice_KeepsOneCopy()
    {
        byte[] bundle = TestBundles.NodeApp();

        var first = await _store.PutBundleAsync(new MemoryStream(bundle), null, CancellationToken.None);
        var lastWrite = File.GetLastWriteTimeUtc(first.Path);
        var second = await _store.PutBundleAsync(new MemoryStream(bundle), null, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(lastWrite, File.GetLastWriteTimeUtc(second.Path));
        Assert.Single(Directory.GetFiles(_store.BundlesDirectory, "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(_store.TemporaryDirectory));
    }

    [Fact]
    public async Task PutBundleAsync_SameBytesConcurrently_BothSucceedWithOneCopy()
    {
        byte[] bundle = TestBundles.NodeApp();

        var uploads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _store.PutBundleAsync(new MemoryStream(bundle), null, CancellationToken.None))));

        Assert.Single(uploads.Select(u => u.Path).Distinct());
        Assert.Single(Directory.GetFiles(_store.BundlesDirectory, "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(_store.TemporaryDirectory));
    }

    [Fact]
    public async Task PutBundleAsync_DifferentBytes_AreStoredApart()
    {
        var one = await _store.PutBundleAsync(new MemoryStream(TestBundles.NodeApp("1")), null, CancellationToken.None);
        var two = await _store.PutBundleAsync(new MemoryStream(TestBundles.NodeApp("2")), null, CancellationToken.None);

        Assert.NotEqual(one.Sha256, two.Sha256);
        Assert.True(File.Exists(one.Path));
        Assert.True(File.Exists(two.Path));
    }

    [Fact]
    public async Task PutBundleAsync_ExpectedSha256InUpperCase_IsAccepted()
    {
        byte[] bundle = TestBundles.NodeApp();
        string sha = Convert.ToHexString(SHA256.HashData(bundle));

        var stored = await _store.PutBundleAsync(new MemoryStream(bundle), sha, CancellationToken.None);

        Assert.Equal(sha.ToLowerInvariant(), stored.Sha256);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task PutBundleAsync_NoExpectedSha256_IsNotChecked(string? expected)
    {
        var stored = await _store.PutBundleAsync(new MemoryStream(TestBundles.NodeApp()), expected, CancellationToken.None);

        Assert.True(File.Exists(stored.Path));
    }

    [Fact]
    public async Task PutBundleAsync_Oversized_Is413AndStopsReadingAtTheLimit()
    {
        var body = new EndlessStream();

        var rejected = await Assert.ThrowsAsync<BundleRejectedException>(() => _store.PutBundleAsync(body, null, CancellationToken.None));

        Assert.Equal(BundleRejectionCodes.TooLarge, rejected.Code);
        Assert.Equal(413, rejected.StatusCode);
        Assert.Equal(MaxBundleBytes + 1, body.BytesRead);
        AssertNothingKept();
    }

    [Fact]
    public async Task PutBundleAsync_ExactlyAtTheLimit_IsNotTooLarge()
    {
        byte[] bundle = TestBundles.NodeApp();
        var store = new FileArtifactStore(new ArtifactStoreOptions(_artifacts, bundle.Length, ZipLimits.Default));

        var stored = await store.PutBundleAsync(new MemoryStream(bundle), null, CancellationToken.None);

        Assert.Equal(bundle.Length, stored.Size);
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    public async Task PutBundleAsync_TraversalZip_IsRejectedAndNothingKept(string hostileName)
    {
        byte[] bundle = TestBundles.Zip(("Procfile", "web: x"), (hostileName, "gotcha"));

        var rejected = await Assert.ThrowsAsync<BundleRejectedException>(() => _store.PutBundleAsync(new MemoryStream(bundle), null, CancellationToken.None));

        Assert.Equal(ZipSafetyCodes.PathTraversal, rejected.Code);
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains(hostileName, rejected.Message, StringComparison.Ordinal);
        AssertNothingKept();
    }

    [Fact]
    public async Task PutBundleAsync_NotAZip_IsCorrupt()
    {
        var rejected = await Assert.ThrowsAsync<BundleRejectedException>(() => _store.PutBundleAsync(new MemoryStream("hello"u8.ToArray()), null, CancellationToken.None));

        Assert.Equal(ZipSafetyCodes.Corrupt, rejected.Code);
        Assert.Equal(400, rejected.StatusCode);
        AssertNothingKept();
    }

    [Fact]
    public async Task PutBundleAsync_EmptyBody_IsCorrupt()
    {
        var rejected = await Assert.ThrowsAsync<BundleRejectedException>(() => _store.PutBundleAsync(new MemoryStream(), null, CancellationToken.None));

        Assert.Equal(ZipSafetyCodes.Corrupt, rejected.Code);
        AssertNothingKept();
    }

    [Fact]
    public async Task PutBundleAsync_ChecksumMismatch_IsRejectedAndNothingKept()
    {
        byte[] bundle = TestBundles.NodeApp();
        string otherSha = Convert.ToHexStringLower(SHA256.HashData(TestBundles.NodeApp("other")));

        var rejected = await Assert.ThrowsAsync<BundleRejectedException>(() => _store.PutBundleAsync(new MemoryStream(bundle), otherSha, CancellationToken.None));

        Assert.Equal(BundleRejectionCodes.ChecksumMismatch, rejected.Code);
        Assert.Equal(400, rejected.StatusCode);
        AssertNothingKept();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("../../../../etc/passwd")]
    public async Task PutBundleAsync_MalformedExpectedSha256_IsRejected(string expected)
    {
        var rejected = await Assert.ThrowsAsync<BundleRejectedException>(() => _store.PutBundleAsync(new MemoryStream(TestBundles.NodeApp()), expected, CancellationToken.None));

        Assert.Equal(BundleRejectionCodes.ChecksumInvalid, rejected.Code);
        AssertNothingKept();
    }

    [Fact]
    public async Task PutBundleAsync_ClientAbortsMidWay_PropagatesAndLeavesNothing()
    {
        byte[] bundle = TestBundles.NodeApp();
        var body = new AbortingStream(bundle[..(bundle.Length / 2)]);

        await Assert.ThrowsAsync<IOException>(() => _store.PutBundleAsync(body, null, CancellationToken.None));

        AssertNothingKept();
    }

    [Fact]
    public async Task PutBundleAsync_CancelledMidWay_PropagatesAndLeavesNothing()
    {
        using var cancellation = new CancellationTokenSource();
        var body = new EndlessStream(onRead: bytesRead =>
        {
            if (bytesRead > 100 * 1024)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PutBundleAsync(body, null, cancellation.Token));

        Assert.True(body.BytesRead > 100 * 1024);
        AssertNothingKept();
    }

    [Fact]
    public async Task CleanTemporaryFiles_RemovesLeftoversAndKeepsStoredBundles()
    {
        var stored = await _store.PutBundleAsync(new MemoryStream(TestBundles.NodeApp()), null, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(_store.TemporaryDirectory, "0123.upload"), "half an upload");
        await File.WriteAllTextAsync(Path.Combine(_store.TemporaryDirectory, "4567.upload"), "another half");

        int deleted = _store.CleanTemporaryFiles();

        Assert.Equal(2, deleted);
        Assert.Empty(Directory.GetFiles(_store.TemporaryDirectory));
        Assert.True(File.Exists(stored.Path));
    }

    [Fact]
    public void CleanTemporaryFiles_BeforeAnyUpload_DoesNothing()
    {
        Assert.Equal(0, _store.CleanTemporaryFiles());
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567/9")]
    [InlineData("")]
    public void GetBundlePath_MalformedSha256_IsNull(string sha)
    {
        Assert.Null(_store.GetBundlePath(sha));
    }

    [Fact]
    public void GetBundlePath_UnknownSha256_IsNull()
    {
        Assert.Null(_store.GetBundlePath(new string('a', 64)));
    }

    [Fact]
    public void FromServerOptions_UsesTheDataDirectoryAndLimit()
    {
        var server = new ServerOptions { DataDirectory = "/srv/sprout", MaxBundleBytes = 1234 };

        var options = ArtifactStoreOptions.FromServerOptions(server);

        Assert.Equal(Path.Combine("/srv/sprout", "artifacts"), options.ArtifactsDirectory);
        Assert.Equal(1234, options.MaxBundleBytes);
        Assert.Equal(ZipLimits.Default, options.ZipLimits);
    }

    private void AssertNothingKept()
    {
        Assert.Empty(Directory.Exists(_store.TemporaryDirectory) ? Directory.GetFiles(_store.TemporaryDirectory) : []);
        Assert.Empty(Directory.Exists(_store.BundlesDirectory) ? Directory.GetFiles(_store.BundlesDirectory, "*", SearchOption.AllDirectories) : []);
    }
}
