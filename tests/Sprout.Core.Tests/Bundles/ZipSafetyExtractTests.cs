using System.IO.Compression;
using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public sealed class ZipSafetyExtractTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sprout-zipsafety-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Destination => Path.Combine(_root, "out");

    [Fact]
    public async Task ExtractTo_OrdinaryBundle_WritesFilesAndDirectories()
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "Procfile", "web: ./run.sh");
            TestZip.AddFile(archive, "src/app/main.py", "print('hi')");
            TestZip.AddFile(archive, @"win\style.css", "p{}");
            TestZip.AddDirectory(archive, "empty/");
        });

        var result = await Extract(zip, ZipLimits.Default);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(4, result.EntryCount);
        Assert.Equal(13 + 11 + 3, result.TotalUncompressedBytes);
        Assert.Equal("web: ./run.sh", File.ReadAllText(Path.Combine(Destination, "Procfile")));
        Assert.Equal("print('hi')", File.ReadAllText(Path.Combine(Destination, "src", "app", "main.py")));
        Assert.Equal("p{}", File.ReadAllText(Path.Combine(Destination, "win", "style.css")));
        Assert.True(Directory.Exists(Path.Combine(Destination, "empty")));
    }

    [Fact]
    public async Task ExtractTo_UnixModes_KeepsOnlyExecuteBits()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "run.sh", "#!/bin/sh\necho hi\n", unixMode: 0x81ED); // S_IFREG | 0755
            TestZip.AddFile(archive, "setuid", "x", unixMode: 0x8DFF); // S_IFREG | 04777 (setuid, world-writable)
            TestZip.AddFile(archive, "plain.txt", "x", unixMode: 0x81A4); // S_IFREG | 0644
            TestZip.AddFile(archive, "windows.txt", "x");
        });

        var result = await Extract(zip, ZipLimits.Default);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        Assert.Equal(execute, File.GetUnixFileMode(Path.Combine(Destination, "run.sh")) & execute);
        var setuid = File.GetUnixFileMode(Path.Combine(Destination, "setuid"));
        Assert.Equal(execute, setuid & execute);
        Assert.Equal((UnixFileMode)0, setuid & (UnixFileMode.SetUser | UnixFileMode.OtherWrite));
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(Path.Combine(Destination, "plain.txt")) & execute);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(Path.Combine(Destination, "windows.txt")) & execute);
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    public async Task ExtractTo_TraversalEntry_WritesNothing(string name)
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "first.txt", "ok");
            TestZip.AddFile(archive, name, "evil");
        });

        var result = await Extract(zip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.PathTraversal, result.Failure?.Code);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task ExtractTo_SymlinkEntry_WritesNothing()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "link", "/etc/shadow", unixMode: 0xA1FF));

        var result = await Extract(zip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.Symlink, result.Failure?.Code);
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public async Task ExtractTo_SizesLie_NothingBeyondTheDeclaredSizeIsWritten()
    {
        // Each entry declares 10 bytes but holds 64 KiB. The runtime stops inflating at the declared size,
        // so the declared-size check bounds the output too; the count we report is of bytes really written.
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "dir/liar1.bin", new string('x', 64 * 1024));
            TestZip.AddZeros(archive, "dir/liar2.bin", 12L * 1024 * 1024);
        });
        TestZip.ForgeUncompressedSize(zip, "dir/liar1.bin", 10);
        TestZip.ForgeUncompressedSize(zip, "dir/liar2.bin", 1000);

        var result = await Extract(zip, ZipLimits.Default with { MaxTotalUncompressedBytes = 1010 });

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(1010, result.TotalUncompressedBytes);
        Assert.Equal(10, new FileInfo(Path.Combine(Destination, "dir", "liar1.bin")).Length);
        Assert.Equal(1000, new FileInfo(Path.Combine(Destination, "dir", "liar2.bin")).Length);
    }

    [Fact]
    public void Account_ActualBytesCrossTheLimit_RefusesTheBytesThatCrossIt()
    {
        var extraction = new ZipSafetyExtraction(Destination, ZipLimits.Default with { MaxTotalUncompressedBytes = 100 });
        var entry = SingleEntry(archive => TestZip.AddFile(archive, "a.txt", new string('a', 10)));

        Assert.Null(extraction.Account(entry, entryBytesSoFar: 60, bytesRead: 60));
        Assert.Null(extraction.Account(entry, entryBytesSoFar: 100, bytesRead: 40));
        Assert.Equal(ZipSafetyCodes.TooLargeUncompressed, extraction.Account(entry, entryBytesSoFar: 101, bytesRead: 1)?.Failure?.Code);
    }

    [Fact]
    public void Account_ActualRatioOverLimit_IsZipBomb()
    {
        var extraction = new ZipSafetyExtraction(Destination, ZipLimits.Default with { CompressionRatioMinimumBytes = 1000, MaxCompressionRatio = 10 });
        var entry = SingleEntry(archive => TestZip.AddFile(archive, "a.txt", "honest and short"));
        long compressed = entry.Entry.CompressedLength;
        long atRatio = Math.Max(1000, compressed * 10);

        Assert.Null(extraction.Account(entry, entryBytesSoFar: atRatio, bytesRead: (int)atRatio));
        Assert.Equal(ZipSafetyCodes.ZipBomb, extraction.Account(entry, entryBytesSoFar: atRatio + 1, bytesRead: 1)?.Failure?.Code);
    }

    [Fact]
    public async Task ExtractTo_HonestZipOverSmallLimit_IsRefusedAndNothingIsLeft()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "big.txt", new string('z', 4096)));

        var result = await Extract(zip, ZipLimits.Default with { MaxTotalUncompressedBytes = 4095 });

        Assert.Equal(ZipSafetyCodes.TooLargeUncompressed, result.Failure?.Code);
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public async Task ExtractTo_FailsHalfWay_RemovesWhatItWroteAndKeepsWhatWasThere()
    {
        Directory.CreateDirectory(Path.Combine(Destination, "keep"));
        File.WriteAllText(Path.Combine(Destination, "keep", "mine.txt"), "mine");
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "new/deep/a.txt", "a");
            TestZip.AddFile(archive, "keep/b.txt", "b");
            TestZip.AddFile(archive, "keep/mine.txt", "clash");
        });

        await Assert.ThrowsAnyAsync<IOException>(() => Extract(zip, ZipLimits.Default));

        Assert.Equal([Path.Combine(Destination, "keep")], Directory.GetFileSystemEntries(Destination));
        Assert.Equal([Path.Combine(Destination, "keep", "mine.txt")], Directory.GetFileSystemEntries(Path.Combine(Destination, "keep")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Destination, "keep", "mine.txt")));
    }

    [Fact]
    public async Task ExtractTo_Cancelled_ThrowsAndRemovesEverything()
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "a.txt", "a");
            TestZip.AddFile(archive, "b.txt", "b");
        });
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ZipSafety.ExtractToAsync(zip, Destination, ZipLimits.Default, cancellation.Token));
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public async Task ExtractTo_NotAZip_IsCorrupt()
    {
        using var notZip = new MemoryStream("PK but not really"u8.ToArray());

        var result = await Extract(notZip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.Corrupt, result.Failure?.Code);
        Assert.False(Directory.Exists(Destination));
    }

    private static ZipSafetyEntry SingleEntry(Action<ZipArchive> fill)
    {
        var zip = TestZip.Build(fill);
        var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        Assert.True(ZipSafety.Inspect(archive, ZipLimits.Default, out var entries).Succeeded);
        return Assert.Single(entries);
    }

    private Task<ZipInspection> Extract(Stream zip, ZipLimits limits) =>
        ZipSafety.ExtractToAsync(zip, Destination, limits, CancellationToken.None);
}
