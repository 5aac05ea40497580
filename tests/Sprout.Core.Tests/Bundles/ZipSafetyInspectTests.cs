using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public sealed class ZipSafetyInspectTests
{
    [Fact]
    public void Inspect_OrdinaryBundle_ReportsEntriesSizeAndRootNames()
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "Procfile", "web: node server.js");
            TestZip.AddFile(archive, "package.json", "{}");
            TestZip.AddFile(archive, "src/server.js", "console.log(1)");
            TestZip.AddDirectory(archive, ".ebextensions/");
            TestZip.AddFile(archive, @"lib\util.js", "x");
        });

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.True(inspection.Succeeded, inspection.Failure?.Message);
        Assert.Equal(5, inspection.EntryCount);
        Assert.Equal(19 + 2 + 14 + 1, inspection.TotalUncompressedBytes);
        Assert.Equal(["Procfile", "package.json"], inspection.RootFileNames);
        Assert.Equal([".ebextensions", "lib", "src"], inspection.RootDirectoryNames);
    }

    [Fact]
    public async Task InspectAsync_OrdinaryBundle_Succeeds()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "app.py", "print(1)"));

        var inspection = await ZipSafety.InspectAsync(zip, ZipLimits.Default, CancellationToken.None);

        Assert.True(inspection.Succeeded, inspection.Failure?.Message);
        Assert.Equal(["app.py"], inspection.RootFileNames);
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a/b/../c")]
    [InlineData(@"..\evil.txt")]
    [InlineData(@"C:\Windows\evil.dll")]
    [InlineData("c:evil")]
    [InlineData(@"\\server\share\evil")]
    [InlineData("ok/na\0me")]
    [InlineData("new\nline")]
    [InlineData("./")]
    public void Inspect_HostileEntryName_IsPathTraversal(string name)
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "index.html", "<p>hi</p>");
            TestZip.AddFile(archive, name, "gotcha");
        });

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.False(inspection.Succeeded);
        Assert.Equal(ZipSafetyCodes.PathTraversal, inspection.Failure.Code);
        Assert.DoesNotContain('\0', inspection.Failure.Message);
        Assert.DoesNotContain('\n', inspection.Failure.Message);
    }

    [Fact]
    public void Inspect_TraversalMessage_NamesTheEntry()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "../evil.txt", "x"));

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.Contains("'../evil.txt'", inspection.Failure?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("./a.txt")]
    [InlineData("dir//a.txt")]
    [InlineData("..foo/a..b.txt")]
    public void Inspect_HarmlessOddNames_AreAccepted(string name)
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, name, "x"));

        Assert.True(ZipSafety.Inspect(zip, ZipLimits.Default).Succeeded);
    }

    [Fact]
    public void Inspect_SymlinkEntry_IsRejected()
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "index.html", "hi");
            TestZip.AddFile(archive, "passwd", "/etc/passwd", unixMode: 0xA1FF);
        });

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.Symlink, inspection.Failure?.Code);
        Assert.Contains("'passwd'", inspection.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_ExecutableRegularFile_IsAccepted()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "run.sh", "#!/bin/sh", unixMode: 0x81ED)); // S_IFREG | 0755

        Assert.True(ZipSafety.Inspect(zip, ZipLimits.Default).Succeeded);
    }

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("dir/a.txt", @"dir\a.txt")]
    [InlineData("dir/a.txt", "dir/./a.txt")]
    [InlineData("a", "a/")]
    [InlineData("a", "a/b.txt")]
    public void Inspect_ConflictingNames_AreDuplicates(string first, string second)
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddEntry(archive, first, "one");
            TestZip.AddEntry(archive, second, "two");
        });

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.DuplicateEntry, inspection.Failure?.Code);
    }

    [Fact]
    public void Inspect_TooManyEntries_IsRejected()
    {
        using var zip = TestZip.Build(archive =>
        {
            for (int i = 0; i < 11; i++)
            {
                TestZip.AddFile(archive, $"f{i}.txt", "x");
            }
        });

        Assert.True(ZipSafety.Inspect(zip, ZipLimits.Default with { MaxEntries = 11 }).Succeeded);
        zip.Position = 0;
        Assert.Equal(ZipSafetyCodes.TooManyEntries, ZipSafety.Inspect(zip, ZipLimits.Default with { MaxEntries = 10 }).Failure?.Code);
    }

    [Fact]
    public void Inspect_DeclaredEntryCountOverLimit_IsRejectedBeforeEntriesAreRead()
    {
        using var zip = TestZip.Build(archive =>
        {
            for (int i = 0; i < 3; i++)
            {
                TestZip.AddFile(archive, $"f{i}.txt", "x");
            }
        });
        TestZip.ForgeEntryCount(zip, 60_000);

        // Left to the zip reader, the lie would surface only after every entry had been read (as corruption).
        Assert.Equal(ZipSafetyCodes.TooManyEntries, ZipSafety.Inspect(zip, ZipLimits.Default with { MaxEntries = 10 }).Failure?.Code);
    }

    [Fact]
    public void ReadDeclaredEntryCount_Zip64Archive_ReadsTheZip64Record()
    {
        const int count = ushort.MaxValue + 1;
        using var zip = TestZip.Build(archive =>
        {
            for (int i = 0; i < count; i++)
            {
                archive.CreateEntry($"d{i}/");
            }
        });
        zip.Position = 5;

        Assert.Equal(count, ZipSafetyEndOfCentralDirectory.ReadDeclaredEntryCount(zip));
        Assert.Equal(5, zip.Position);
        Assert.Equal(ZipSafetyCodes.TooManyEntries, ZipSafety.Inspect(zip, ZipLimits.Default with { MaxEntries = count - 1 }).Failure?.Code);
    }

    [Fact]
    public void ReadDeclaredEntryCount_NoEndRecord_IsNull()
    {
        using var notZip = new MemoryStream(new byte[100]);

        Assert.Null(ZipSafetyEndOfCentralDirectory.ReadDeclaredEntryCount(notZip));
    }

    [Fact]
    public void Inspect_DeclaredTotalOverLimit_IsRejected()
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "a.bin", new string('a', 600));
            TestZip.AddFile(archive, "b.bin", new string('b', 600));
        });

        Assert.True(ZipSafety.Inspect(zip, ZipLimits.Default with { MaxTotalUncompressedBytes = 1200 }).Succeeded);
        zip.Position = 0;
        Assert.Equal(ZipSafetyCodes.TooLargeUncompressed, ZipSafety.Inspect(zip, ZipLimits.Default with { MaxTotalUncompressedBytes = 1199 }).Failure?.Code);
    }

    [Fact]
    public void Inspect_HighlyCompressedLargeEntry_IsZipBomb()
    {
        // 11 MiB of zeros deflates to about 11 KiB: a ratio near 1000:1 over the 10 MiB floor.
        using var zip = TestZip.Build(archive => TestZip.AddZeros(archive, "zeros.bin", 11L * 1024 * 1024));

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.ZipBomb, inspection.Failure?.Code);
        Assert.Contains("'zeros.bin'", inspection.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_HighlyCompressedEntryUnderSizeFloor_IsAccepted()
    {
        using var zip = TestZip.Build(archive => TestZip.AddZeros(archive, "zeros.bin", 9L * 1024 * 1024));

        Assert.True(ZipSafety.Inspect(zip, ZipLimits.Default).Succeeded);
    }

    [Fact]
    public void Inspect_GibibyteOfZeros_IsRejectedBeforeAnythingIsDecompressed()
    {
        // A 1 GiB entry is described by a forged central directory rather than compressed for real, to keep the test fast;
        // Inspect reads only the central directory, so a forged size is exactly what it sees in a real attack too.
        using var zip = TestZip.Build(archive => TestZip.AddZeros(archive, "zeros.bin", 1024 * 1024));
        TestZip.ForgeUncompressedSize(zip, "zeros.bin", 1L << 30);

        var inspection = ZipSafety.Inspect(zip, ZipLimits.Default);

        Assert.Equal(ZipSafetyCodes.ZipBomb, inspection.Failure?.Code);
    }

    [Fact]
    public void Inspect_NotAZip_IsCorrupt()
    {
        using var notZip = new MemoryStream(Encoding.UTF8.GetBytes("this is a tarball, honest"));

        Assert.Equal(ZipSafetyCodes.Corrupt, ZipSafety.Inspect(notZip, ZipLimits.Default).Failure?.Code);
    }

    [Fact]
    public void Inspect_EmptyStream_IsCorrupt()
    {
        using var empty = new MemoryStream();

        Assert.Equal(ZipSafetyCodes.Corrupt, ZipSafety.Inspect(empty, ZipLimits.Default).Failure?.Code);
    }

    [Fact]
    public void Inspect_TruncatedZip_IsCorrupt()
    {
        using var zip = TestZip.Build(archive =>
        {
            TestZip.AddFile(archive, "a.txt", new string('a', 5000));
            TestZip.AddFile(archive, "b.txt", new string('b', 5000));
        });
        using var truncated = new MemoryStream(zip.ToArray()[..(int)(zip.Length - 30)]);

        Assert.Equal(ZipSafetyCodes.Corrupt, ZipSafety.Inspect(truncated, ZipLimits.Default).Failure?.Code);
    }

    [Fact]
    public void Inspect_CorruptCentralDirectory_IsCorrupt()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "a.txt", "hello"));
        byte[] bytes = zip.ToArray();
        int centralDirectory = TestZip.IndexOfSignature(bytes, TestZip.CentralDirectorySignature, 0);
        bytes[centralDirectory] ^= 0xFF;

        using var corrupt = new MemoryStream(bytes);

        Assert.Equal(ZipSafetyCodes.Corrupt, ZipSafety.Inspect(corrupt, ZipLimits.Default).Failure?.Code);
    }

    [Fact]
    public void Inspect_NonSeekableStream_IsAProgrammingError()
    {
        using var zip = TestZip.Build(archive => TestZip.AddFile(archive, "a.txt", "hello"));
        using var forwardOnly = new ForwardOnlyStream(zip);

        Assert.Throws<ArgumentException>(() => ZipSafety.Inspect(forwardOnly, ZipLimits.Default));
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Builds zips in memory, hostile ones included.</summary>
internal static class TestZip
{
    public const uint LocalHeaderSignature = 0x04034b50;
    public const uint CentralDirectorySignature = 0x02014b50;
    public const uint EndOfCentralDirectorySignature = 0x06054b50;

    public static MemoryStream Build(Action<ZipArchive> fill)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            fill(archive);
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>A file, or a directory when the name ends with a slash.</summary>
    public static void AddEntry(ZipArchive archive, string name, string content)
    {
        if (name.EndsWith('/'))
        {
            AddDirectory(archive, name);
        }
        else
        {
            AddFile(archive, name, content);
        }
    }

    public static void AddFile(ZipArchive archive, string name, string content, int? unixMode = null)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        if (unixMode is { } mode)
        {
            entry.ExternalAttributes = mode << 16;
        }

        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write(content);
    }

    public static void AddDirectory(ZipArchive archive, string name) => archive.CreateEntry(name);

    public static void AddZeros(ZipArchive archive, string name, long bytes)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        var zeros = new byte[64 * 1024];
        for (long written = 0; written < bytes; written += zeros.Length)
        {
            stream.Write(zeros, 0, (int)Math.Min(zeros.Length, bytes - written));
        }
    }

    /// <summary>Rewrites the uncompressed size an entry declares, in its local header and its central directory record.</summary>
    public static void ForgeUncompressedSize(MemoryStream zip, string name, long declaredSize)
    {
        byte[] bytes = zip.ToArray();
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        uint size = declaredSize >= uint.MaxValue ? throw new ArgumentOutOfRangeException(nameof(declaredSize)) : (uint)declaredSize;
        PatchRecords(bytes, LocalHeaderSignature, nameOffset: 30, nameLengthOffset: 26, sizeOffset: 22, nameBytes, size);
        PatchRecords(bytes, CentralDirectorySignature, nameOffset: 46, nameLengthOffset: 28, sizeOffset: 24, nameBytes, size);
        zip.Position = 0;
        zip.Write(bytes);
        zip.Position = 0;
    }

    /// <summary>Rewrites the entry counts in the end-of-central-directory record.</summary>
    public static void ForgeEntryCount(MemoryStream zip, ushort count)
    {
        byte[] bytes = zip.ToArray();
        int at = bytes.Length - 22;
        Assert.Equal(EndOfCentralDirectorySignature, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 8), count);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 10), count);
        zip.Position = 0;
        zip.Write(bytes);
        zip.Position = 0;
    }

    public static int IndexOfSignature(byte[] bytes, uint signature, int start)
    {
        for (int i = start; i + 4 <= bytes.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) == signature)
            {
                return i;
            }
        }

        return -1;
    }

    private static void PatchRecords(byte[] bytes, uint signature, int nameOffset, int nameLengthOffset, int sizeOffset, byte[] nameBytes, uint size)
    {
        for (int at = IndexOfSignature(bytes, signature, 0); at >= 0; at = IndexOfSignature(bytes, signature, at + 4))
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + nameLengthOffset));
            if (nameLength == nameBytes.Length && bytes.AsSpan(at + nameOffset, nameLength).SequenceEqual(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + sizeOffset), size);
            }
        }
    }
}
