using System.Buffers;
using System.IO.Compression;

namespace Sprout.Core.Bundles;

public static partial class ZipSafety
{
    private const int CopyBufferSize = 80 * 1024;

    /// <summary>
    /// Checks the zip as <see cref="Inspect(Stream, ZipLimits)"/> does, then unpacks it into
    /// <paramref name="destinationDirectory"/> (created if missing), counting the bytes actually
    /// written: declared sizes may lie. On any failure, cancellation or exception, everything this
    /// call created is deleted again. Only the executable bits of the Unix mode are kept.
    /// </summary>
    /// <returns>A failure value, or a success whose <see cref="ZipInspection.TotalUncompressedBytes"/> counts bytes written.</returns>
    public static async Task<ZipInspection> ExtractToAsync(Stream zip, string destinationDirectory, ZipLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        ArgumentNullException.ThrowIfNull(limits);
        RequireSeekable(zip);

        var extraction = new ZipSafetyExtraction(destinationDirectory, limits);
        bool succeeded = false;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            if (TooManyDeclaredEntries(zip, limits) is { } tooMany)
            {
                return tooMany;
            }

            await using var archive = await ZipArchive.CreateAsync(zip, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            var inspection = Inspect(archive, limits, out var entries);
            if (!inspection.Succeeded)
            {
                return inspection;
            }

            extraction.Start();
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await ExtractEntryAsync(extraction, entry, buffer, cancellationToken) is { } failure)
                {
                    return failure;
                }
            }

            succeeded = true;
            return ZipInspection.Passed(inspection.EntryCount, extraction.BytesWritten, inspection.RootFileNames, inspection.RootDirectoryNames);
        }
        catch (Exception exception) when (IsCorruption(exception))
        {
            return Corrupt(exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!succeeded)
            {
                extraction.Rollback();
            }
        }
    }

    private static async Task<ZipInspection?> ExtractEntryAsync(ZipSafetyExtraction extraction, ZipSafetyEntry entry, byte[] buffer, CancellationToken cancellationToken)
    {
        var refusal = Prepare(extraction, entry, out var fullPath);
        if (refusal is not null || fullPath is null)
        {
            return refusal;
        }

        await using (var source = await entry.Entry.OpenAsync(cancellationToken))
        await using (var target = extraction.CreateFile(fullPath, asynchronous: true))
        {
            long entryBytes = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                entryBytes += read;
                if (extraction.Account(entry, entryBytes, read) is { } failure)
                {
                    return failure;
                }

                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        ZipSafetyExtraction.ApplyUnixMode(fullPath, entry.UnixMode);
        return null;
    }

    /// <summary>Resolves the entry's path; creates it when it is a directory. A null <paramref name="filePath"/> with no refusal means nothing is left to write.</summary>
    private static ZipInspection? Prepare(ZipSafetyExtraction extraction, ZipSafetyEntry entry, out string? filePath)
    {
        filePath = null;
        var fullPath = extraction.Resolve(entry.RelativePath);
        if (fullPath is null)
        {
            return ZipInspection.Failed(ZipSafetyCodes.PathTraversal, $"Entry {Quote(entry.Entry.FullName)} resolves outside the destination directory.");
        }

        if (entry.IsDirectory)
        {
            extraction.EnsureDirectory(fullPath);
            return null;
        }

        filePath = fullPath;
        return null;
    }
}
