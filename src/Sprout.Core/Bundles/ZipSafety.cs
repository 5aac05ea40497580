using System.IO.Compression;

namespace Sprout.Core.Bundles;

/// <summary>
/// Decides whether a zip is safe to unpack, and unpacks it without trusting what it declares.
/// A source bundle comes from a client, so its names, types and sizes are all hostile until checked.
/// </summary>
public static partial class ZipSafety
{
    private const int UnixFileTypeMask = 0xF000; // S_IFMT
    private const int UnixSymlinkType = 0xA000; // S_IFLNK

    /// <summary>Reads the central directory only; nothing is decompressed. Declared sizes are taken at face value here.</summary>
    /// <param name="seekableZip">Must be seekable: a non-seekable stream would be buffered whole in memory by <see cref="ZipArchive"/>.</param>
    public static ZipInspection Inspect(Stream seekableZip, ZipLimits limits)
    {
        ArgumentNullException.ThrowIfNull(seekableZip);
        ArgumentNullException.ThrowIfNull(limits);
        RequireSeekable(seekableZip);

        if (TooManyDeclaredEntries(seekableZip, limits) is { } tooMany)
        {
            return tooMany;
        }

        try
        {
            using var archive = new ZipArchive(seekableZip, ZipArchiveMode.Read, leaveOpen: true);
            return Inspect(archive, limits, out _);
        }
        catch (Exception exception) when (IsCorruption(exception))
        {
            return Corrupt(exception);
        }
    }

    /// <inheritdoc cref="Inspect(Stream, ZipLimits)"/>
    public static async Task<ZipInspection> InspectAsync(Stream seekableZip, ZipLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seekableZip);
        ArgumentNullException.ThrowIfNull(limits);
        RequireSeekable(seekableZip);

        if (TooManyDeclaredEntries(seekableZip, limits) is { } tooMany)
        {
            return tooMany;
        }

        try
        {
            await using var archive = await ZipArchive.CreateAsync(seekableZip, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            return Inspect(archive, limits, out _);
        }
        catch (Exception exception) when (IsCorruption(exception))
        {
            return Corrupt(exception);
        }
    }

    internal static ZipInspection Inspect(ZipArchive archive, ZipLimits limits, out IReadOnlyList<ZipSafetyEntry> entries)
    {
        entries = [];
        var all = archive.Entries;
        if (all.Count > limits.MaxEntries)
        {
            return TooManyEntries(all.Count, limits);
        }

        var safe = new List<ZipSafetyEntry>(all.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rootFiles = new SortedSet<string>(StringComparer.Ordinal);
        var rootDirectories = new SortedSet<string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        long totalDeclared = 0;

        foreach (var entry in all)
        {
            if (!TryCanonicalize(entry.FullName, out var relativePath, out var isDirectory, out var problem))
            {
                return ZipInspection.Failed(ZipSafetyCodes.PathTraversal, $"Entry {Quote(entry.FullName)} {problem}.");
            }

            int unixMode = (entry.ExternalAttributes >> 16) & 0xFFFF;
            if ((unixMode & UnixFileTypeMask) == UnixSymlinkType)
            {
                return ZipInspection.Failed(ZipSafetyCodes.Symlink, $"Entry {Quote(entry.FullName)} is a symbolic link; bundles may hold only files and directories.");
            }

            if (!seen.Add(relativePath))
            {
                return ZipInspection.Failed(ZipSafetyCodes.DuplicateEntry, $"Entry {Quote(entry.FullName)} appears more than once (as {Quote(relativePath)}).");
            }

            if (!isDirectory)
            {
                totalDeclared += entry.Length;
                if (totalDeclared > limits.MaxTotalUncompressedBytes)
                {
                    return TooLargeUncompressed(limits, "declares");
                }

                if (IsBomb(entry.Length, entry.CompressedLength, limits))
                {
                    return Bomb(entry.FullName, entry.Length, entry.CompressedLength);
                }
            }

            if (isDirectory)
            {
                directories.Add(relativePath);
            }

            for (int slash = relativePath.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = relativePath.IndexOf('/', slash + 1))
            {
                directories.Add(relativePath[..slash]);
            }

            int firstSlash = relativePath.IndexOf('/', StringComparison.Ordinal);
            if (firstSlash >= 0)
            {
                rootDirectories.Add(relativePath[..firstSlash]);
            }
            else
            {
                (isDirectory ? rootDirectories : rootFiles).Add(relativePath);
            }

            safe.Add(new ZipSafetyEntry(entry, relativePath, isDirectory, unixMode));
        }

        // "a" as a file and "a/b" elsewhere cannot both be unpacked; say so now rather than fail half-way through extraction.
        foreach (var entry in safe)
        {
            if (!entry.IsDirectory && directories.Contains(entry.RelativePath))
            {
                return ZipInspection.Failed(ZipSafetyCodes.DuplicateEntry, $"Entry {Quote(entry.Entry.FullName)} is a file, but other entries use it as a directory.");
            }
        }

        entries = safe;
        return ZipInspection.Passed(all.Count, totalDeclared, [.. rootFiles], [.. rootDirectories]);
    }

    /// <summary>Normalises <c>\</c> to <c>/</c> and drops empty and <c>.</c> segments; refuses anything that could land outside the root.</summary>
    internal static bool TryCanonicalize(string name, out string relativePath, out bool isDirectory, out string problem)
    {
        relativePath = "";
        isDirectory = false;
        problem = "";

        if (name.Length == 0)
        {
            problem = "has an empty name";
            return false;
        }

        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                problem = "has a control character in its name";
                return false;
            }
        }

        string normalized = name.Replace('\\', '/');
        if (normalized[0] == '/')
        {
            problem = "is an absolute path";
            return false;
        }

        if (normalized.Length >= 2 && char.IsAsciiLetter(normalized[0]) && normalized[1] == ':')
        {
            problem = "starts with a drive letter";
            return false;
        }

        var segments = new List<string>();
        foreach (var segment in normalized.Split('/'))
        {
            if (segment == "..")
            {
                problem = "climbs out of the bundle with '..'";
                return false;
            }

            if (segment.Length > 0 && segment != ".")
            {
                segments.Add(segment);
            }
        }

        if (segments.Count == 0)
        {
            problem = "names no file";
            return false;
        }

        relativePath = string.Join('/', segments);
        isDirectory = normalized[^1] == '/';
        return true;
    }

    /// <summary>Applies the entry limit to the count the zip declares, before the zip reader allocates per entry.</summary>
    internal static ZipInspection? TooManyDeclaredEntries(Stream seekableZip, ZipLimits limits) =>
        ZipSafetyEndOfCentralDirectory.ReadDeclaredEntryCount(seekableZip) is { } declared && declared > limits.MaxEntries
            ? TooManyEntries(declared, limits)
            : null;

    private static ZipInspection TooManyEntries(long count, ZipLimits limits) =>
        ZipInspection.Failed(ZipSafetyCodes.TooManyEntries, $"The bundle has {count} entries; at most {limits.MaxEntries} are allowed.");

    internal static bool IsBomb(long uncompressedBytes, long compressedBytes, ZipLimits limits) =>
        uncompressedBytes > limits.CompressionRatioMinimumBytes
        && uncompressedBytes > (double)compressedBytes * limits.MaxCompressionRatio;

    internal static ZipInspection TooLargeUncompressed(ZipLimits limits, string verb) =>
        ZipInspection.Failed(ZipSafetyCodes.TooLargeUncompressed, $"The bundle {verb} more than {limits.MaxTotalUncompressedBytes} bytes when unpacked.");

    internal static ZipInspection Bomb(string entryName, long uncompressedBytes, long compressedBytes) =>
        ZipInspection.Failed(ZipSafetyCodes.ZipBomb, $"Entry {Quote(entryName)} expands from {compressedBytes} to {uncompressedBytes} bytes; that ratio marks a zip bomb.");

    internal static bool IsCorruption(Exception exception) => exception is InvalidDataException or EndOfStreamException;

    internal static ZipInspection Corrupt(Exception exception) =>
        ZipInspection.Failed(ZipSafetyCodes.Corrupt, $"The bundle is not a readable zip file: {exception.Message}");

    /// <summary>Names are hostile: escape control characters so a message never carries them raw.</summary>
    internal static string Quote(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 2).Append('\'');
        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                builder.Append($"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('\'').ToString();
    }

    private static void RequireSeekable(Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("The zip stream must be readable and seekable.", nameof(stream));
        }
    }
}
