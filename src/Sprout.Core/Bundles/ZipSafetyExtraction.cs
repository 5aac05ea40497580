namespace Sprout.Core.Bundles;

/// <summary>
/// One extraction's bookkeeping: where files may go, how many bytes were really written, and
/// everything created, so a refused bundle can be removed again.
/// </summary>
internal sealed class ZipSafetyExtraction
{
    private const int ExecuteBits = 0b001_001_001; // o+x, g+x, u+x: the only mode bits a bundle may carry over.

    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _rootDirectory;
    private readonly string _rootPrefix;
    private readonly ZipLimits _limits;
    private readonly List<string> _createdFiles = [];
    private readonly List<string> _createdDirectories = [];

    public ZipSafetyExtraction(string destinationDirectory, ZipLimits limits)
    {
        _rootDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destinationDirectory));
        _rootPrefix = _rootDirectory + Path.DirectorySeparatorChar;
        _limits = limits;
    }

    /// <summary>Bytes actually written so far, whatever the entries declared.</summary>
    public long BytesWritten { get; private set; }

    public void Start() => EnsureDirectory(_rootDirectory);

    /// <summary>The full path for an entry, or null when it would land outside the destination (checked after the OS resolves it).</summary>
    public string? Resolve(string relativePath)
    {
        string fullPath = Path.GetFullPath(Path.Combine(_rootPrefix, relativePath));
        return fullPath.StartsWith(_rootPrefix, PathComparison) ? fullPath : null;
    }

    public void EnsureDirectory(string fullPath)
    {
        var missing = new Stack<string>();
        for (string? directory = fullPath; directory is not null && !Directory.Exists(directory); directory = Path.GetDirectoryName(directory))
        {
            missing.Push(directory);
        }

        while (missing.TryPop(out var directory))
        {
            Directory.CreateDirectory(directory);
            _createdDirectories.Add(directory);
        }
    }

    public FileStream CreateFile(string fullPath, bool asynchronous)
    {
        EnsureDirectory(Path.GetDirectoryName(fullPath)!);
        var stream = new FileStream(fullPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0, // callers write whole pooled buffers; a second buffer would only copy
            Options = asynchronous ? FileOptions.Asynchronous : FileOptions.None,
        });
        _createdFiles.Add(fullPath);
        return stream;
    }

    /// <summary>Counts bytes about to be written; a failure means they must not be.</summary>
    public ZipInspection? Account(ZipSafetyEntry entry, long entryBytesSoFar, int bytesRead)
    {
        BytesWritten += bytesRead;
        if (BytesWritten > _limits.MaxTotalUncompressedBytes)
        {
            return ZipSafety.TooLargeUncompressed(_limits, "expands to");
        }

        return ZipSafety.IsBomb(entryBytesSoFar, entry.Entry.CompressedLength, _limits)
            ? ZipSafety.Bomb(entry.Entry.FullName, entryBytesSoFar, entry.Entry.CompressedLength)
            : null;
    }

    /// <summary>Keeps the executable bits (scripts, prebuilt binaries); never setuid, setgid or write bits from the archive.</summary>
    public static void ApplyUnixMode(string fullPath, int unixMode)
    {
        int execute = unixMode & ExecuteBits;
        if (execute == 0 || OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(fullPath, File.GetUnixFileMode(fullPath) | (UnixFileMode)execute);
    }

    /// <summary>Best effort: removes what this extraction created, newest first, and nothing that was there before.</summary>
    public void Rollback()
    {
        for (int i = _createdFiles.Count - 1; i >= 0; i--)
        {
            TryDelete(() => File.Delete(_createdFiles[i]));
        }

        for (int i = _createdDirectories.Count - 1; i >= 0; i--)
        {
            TryDelete(() => Directory.Delete(_createdDirectories[i], recursive: false));
        }

        _createdFiles.Clear();
        _createdDirectories.Clear();
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (IOException)
        {
            // Someone else put a file there, or it is already gone; the rest of the rollback still runs.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
