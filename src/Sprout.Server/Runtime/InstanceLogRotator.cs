using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sprout.Server.Runtime;

/// <summary>
/// Keeps instance logs bounded with copy-truncate rotation: the app opened its log files with
/// O_APPEND through its own shell, so after the file is truncated in place its next write lands
/// at the new end and nothing has to be reopened or signalled.
/// </summary>
public sealed class InstanceLogRotator
{
    private readonly long _maxBytes;
    private readonly int _keepFiles;
    private readonly ILogger _logger;

    public InstanceLogRotator(ProcessRuntimeOptions options, ILogger<InstanceLogRotator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LogMaxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LogKeepFiles);
        _maxBytes = options.LogMaxBytes;
        _keepFiles = options.LogKeepFiles;
        _logger = logger ?? NullLogger<InstanceLogRotator>.Instance;
    }

    /// <summary>Rotates each stream of the instance whose current file is larger than the limit. Returns the streams rotated.</summary>
    public IReadOnlyList<string> RotateIfNeeded(string instanceDirectory)
    {
        ArgumentNullException.ThrowIfNull(instanceDirectory);
        var rotated = new List<string>();
        foreach (var stream in InstanceDirectoryLayout.Streams)
        {
            var current = new FileInfo(InstanceDirectoryLayout.LogFile(instanceDirectory, stream));
            if (current.Exists && current.Length > _maxBytes)
            {
                Rotate(instanceDirectory, stream);
                rotated.Add(stream);
            }
        }

        return rotated;
    }

    /// <summary>Checks every instance directory the callback names, every <paramref name="interval"/>, until cancelled.</summary>
    public async Task RunAsync(Func<IEnumerable<string>> instanceDirectories, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceDirectories);
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                foreach (var directory in instanceDirectories())
                {
                    try
                    {
                        RotateIfNeeded(directory);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // One instance's full disk or vanished directory must not stop rotation for the others.
                        _logger.LogWarning(e, "Log rotation failed for instance directory {InstanceDirectory}", directory);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Rotate(string instanceDirectory, string stream)
    {
        File.Delete(InstanceDirectoryLayout.RotatedLogFile(instanceDirectory, stream, _keepFiles));
        for (var generation = _keepFiles - 1; generation >= 1; generation--)
        {
            var from = InstanceDirectoryLayout.RotatedLogFile(instanceDirectory, stream, generation);
            if (File.Exists(from))
            {
                File.Move(from, InstanceDirectoryLayout.RotatedLogFile(instanceDirectory, stream, generation + 1), overwrite: true);
            }
        }

        // Copy then truncate the same open file: lines written between the two steps are the only ones at risk.
        var currentPath = InstanceDirectoryLayout.LogFile(instanceDirectory, stream);
        using var current = new FileStream(currentPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        using (var copy = new FileStream(InstanceDirectoryLayout.RotatedLogFile(instanceDirectory, stream, 1), FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            current.CopyTo(copy);
        }

        current.SetLength(0);
        _logger.LogInformation("Rotated {LogFile}", currentPath);
    }
}
