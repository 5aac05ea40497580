using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Sprout.Core.Bundles;

namespace Sprout.Server.Artifacts;

/// <summary>
/// Bundles on the local disk, content-addressed: <c>&lt;ArtifactsDirectory&gt;/sha256/&lt;hh&gt;/&lt;sha256&gt;.zip</c>.
/// An upload is written to <c>tmp/</c> while it is hashed and counted, checked, and only then renamed
/// into place; every path that does not end in that rename deletes the temporary file.
/// </summary>
public sealed class FileArtifactStore : IArtifactStore
{
    private const int CopyBufferSize = 80 * 1024;
    private const string TemporaryExtension = ".upload";
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly ArtifactStoreOptions _options;

    public FileArtifactStore(ArtifactStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ArtifactsDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBundleBytes);
        ArgumentNullException.ThrowIfNull(options.ZipLimits);

        _options = options with { ArtifactsDirectory = Path.GetFullPath(options.ArtifactsDirectory) };
    }

    /// <summary>Uploads in flight; anything here when the server starts is a leftover.</summary>
    public string TemporaryDirectory => Path.Combine(_options.ArtifactsDirectory, "tmp");

    /// <summary>Stored bundles, fanned out by the first two hex digits.</summary>
    public string BundlesDirectory => Path.Combine(_options.ArtifactsDirectory, "sha256");

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="expectedSha256"/> may be upper or lower case; null or blank means none was announced.
    /// Failures of <paramref name="content"/> (a client gone away) and cancellation propagate as they are.
    /// </remarks>
    public async Task<StoredArtifact> PutBundleAsync(Stream content, string? expectedSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        string? expected = CanonicalExpectedSha256(expectedSha256);

        CreateOwnerOnlyDirectory(TemporaryDirectory);
        string temporaryPath = Path.Combine(TemporaryDirectory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + TemporaryExtension);
        try
        {
            var (sha256, size) = await ReceiveAsync(content, temporaryPath, cancellationToken);
            if (expected is not null && expected != sha256)
            {
                throw new BundleRejectedException(
                    BundleRejectionCodes.ChecksumMismatch,
                    $"The bundle received hashes to SHA-256 {sha256}, not to the expected {expected}; it was changed or cut short on the way.");
            }

            await InspectAsync(temporaryPath, cancellationToken);
            return Commit(temporaryPath, sha256, size);
        }
        finally
        {
            TryDeleteFile(temporaryPath);
        }
    }

    public string? GetBundlePath(string sha256)
    {
        if (!Sha256Hex.IsValid(sha256))
        {
            return null;
        }

        string path = BundlePath(sha256);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Deletes uploads left in <c>tmp/</c> by a server that stopped mid-upload. Call it once at
    /// start-up, before the API accepts uploads: it would delete an upload in flight.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public int CleanTemporaryFiles()
    {
        if (!Directory.Exists(TemporaryDirectory))
        {
            return 0;
        }

        int deleted = 0;
        foreach (string path in Directory.EnumerateFiles(TemporaryDirectory))
        {
            if (TryDeleteFile(path))
            {
                deleted++;
            }
        }

        return deleted;
    }

    private string BundlePath(string sha256) => Path.Combine(BundlesDirectory, sha256[..2], sha256 + ".zip");

    private static string? CanonicalExpectedSha256(string? expectedSha256)
    {
        if (string.IsNullOrWhiteSpace(expectedSha256))
        {
            return null; // an absent or empty header: nothing announced
        }

        string canonical = expectedSha256.Trim().ToLowerInvariant();
        return Sha256Hex.IsValid(canonical)
            ? canonical
            : throw new BundleRejectedException(BundleRejectionCodes.ChecksumInvalid, "The expected SHA-256 must be 64 hexadecimal digits.");
    }

    private async Task<(string Sha256, long Size)> ReceiveAsync(Stream content, string temporaryPath, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            await using var file = new FileStream(temporaryPath, NewFileOptions(FileAccess.Write));
            long size = 0;
            while (true)
            {
                // Never ask for more than one byte past the limit: an oversized body is refused having read at most that much.
                int wanted = (int)Math.Min(CopyBufferSize, _options.MaxBundleBytes - size + 1);
                int read = await content.ReadAsync(buffer.AsMemory(0, wanted), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                size += read;
                if (size > _options.MaxBundleBytes)
                {
                    throw new BundleRejectedException(
                        BundleRejectionCodes.TooLarge,
                        $"The bundle is larger than the {_options.MaxBundleBytes} bytes this server accepts.",
                        StatusCodes.Status413PayloadTooLarge);
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            // The file is about to be published under its hash: it must be on disk, not half in the page cache, if the machine dies.
            file.Flush(flushToDisk: true);
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task InspectAsync(string temporaryPath, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(temporaryPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.Asynchronous);
        var inspection = await ZipSafety.InspectAsync(file, _options.ZipLimits, cancellationToken);
        if (!inspection.Succeeded)
        {
            throw new BundleRejectedException(inspection.Failure.Code, inspection.Failure.Message, StatusCodes.Status400BadRequest);
        }
    }

    private StoredArtifact Commit(string temporaryPath, string sha256, long size)
    {
        string finalPath = BundlePath(sha256);
        CreateOwnerOnlyDirectory(Path.GetDirectoryName(finalPath)!);
        if (!File.Exists(finalPath))
        {
            try
            {
                File.Move(temporaryPath, finalPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(finalPath))
            {
                // A concurrent upload of the same bytes got there first; its file is ours too.
            }
        }

        return new StoredArtifact(sha256, size, finalPath);
    }

    private static FileStreamOptions NewFileOptions(FileAccess access)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = access,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0, // whole 80 KiB buffers are written; a FileStream buffer would only copy them again
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    /// <summary>Creates the directory and any missing parents, each 0700: Directory.CreateDirectory applies the mode to the last level only.</summary>
    private static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var missing = new Stack<string>();
        for (string? directory = path; directory is not null && !Directory.Exists(directory); directory = Path.GetDirectoryName(directory))
        {
            missing.Push(directory);
        }

        while (missing.TryPop(out var directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
    }

    private static bool TryDeleteFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            // Runs in finally blocks: the failure being reported matters more than a leftover CleanTemporaryFiles will remove.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
