using System.IO.Compression;

namespace Sprout.Core.Bundles;

/// <summary>
/// Zips a project directory into a Beanstalk source bundle: files at the root of the zip, hidden files included,
/// <c>.ebignore</c> honoured when present (and then <c>.gitignore</c> is not), else <c>.gitignore</c> files.
/// The same tree always gives the same bytes (sorted entries, fixed timestamps, normalised modes), so the
/// bundle's sha256 identifies its content and the server's build cache can hit.
/// </summary>
public static class BundleZipper
{
    public const string EbIgnoreFileName = ".ebignore";

    public const string GitIgnoreFileName = ".gitignore";

    /// <summary>Zip's DOS timestamps cannot be older than 1980; any fixed value keeps bundles reproducible.</summary>
    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int RegularFileType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int ExecutableMode = 0x1ED; // 0755
    private const int PlainFileMode = 0x1A4; // 0644

    public static async Task<BundleZipperResult> CreateAsync(string directory, Stream output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(output);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The directory '{root}' does not exist.");
        }

        var (rootRules, ignoreFile) = await ReadRootRulesAsync(root, cancellationToken).ConfigureAwait(false);
        var entries = new List<BundleEntry>();
        var scopes = new List<RuleScope>();
        if (rootRules is not null)
        {
            scopes.Add(new RuleScope(string.Empty, rootRules));
        }

        await CollectAsync(root, string.Empty, scopes, readNestedGitIgnores: ignoreFile != EbIgnoreFileName, entries, cancellationToken)
            .ConfigureAwait(false);

        long bytes = 0;
        var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await using (archive.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bytes += await WriteEntryAsync(archive, entry, cancellationToken).ConfigureAwait(false);
            }
        }

        return new BundleZipperResult(entries.Count(e => !e.IsDirectory), bytes, ignoreFile);
    }

    private static async Task<(IgnoreRules? Rules, string? FileName)> ReadRootRulesAsync(string root, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { EbIgnoreFileName, GitIgnoreFileName })
        {
            var path = Path.Combine(root, name);
            if (File.Exists(path))
            {
                var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
                return (IgnoreRules.Parse(text), name);
            }
        }

        return (null, null);
    }

    private static async Task CollectAsync(
        string fullPath,
        string relativePath,
        List<RuleScope> scopes,
        bool readNestedGitIgnores,
        List<BundleEntry> entries,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pushedScope = false;
        if (readNestedGitIgnores && relativePath.Length > 0)
        {
            var nested = Path.Combine(fullPath, GitIgnoreFileName);
            if (File.Exists(nested))
            {
                var text = await File.ReadAllTextAsync(nested, cancellationToken).ConfigureAwait(false);
                scopes.Add(new RuleScope(relativePath + "/", IgnoreRules.Parse(text)));
                pushedScope = true;
            }
        }

        var children = new DirectoryInfo(fullPath).EnumerateFileSystemInfos()
            .OrderBy(child => child.Name, StringComparer.Ordinal)
            .ToList();
        if (children.Count == 0 && relativePath.Length > 0)
        {
            // Kept so that apps expecting an empty directory (uploads/, tmp/) find it.
            entries.Add(new BundleEntry(relativePath + "/", fullPath, IsDirectory: true, IsExecutable: false));
        }

        foreach (var child in children)
        {
            var childPath = relativePath.Length == 0 ? child.Name : relativePath + "/" + child.Name;
            var kind = Classify(child);
            if (kind == EntryKind.Skip)
            {
                continue;
            }

            var isDirectory = kind == EntryKind.Directory;
            if (IsAlwaysExcluded(childPath, child.Name, isDirectory) || IsIgnored(scopes, childPath, isDirectory))
            {
                continue;
            }

            if (isDirectory)
            {
                await CollectAsync(child.FullName, childPath, scopes, readNestedGitIgnores, entries, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                entries.Add(new BundleEntry(childPath, child.FullName, IsDirectory: false, IsExecutable(child.FullName)));
            }
        }

        if (pushedScope)
        {
            scopes.RemoveAt(scopes.Count - 1);
        }
    }

    /// <summary>Symbolic links to files are bundled as the file they point to; links to directories are skipped, so a link cycle cannot make the walk endless.</summary>
    private static EntryKind Classify(FileSystemInfo info)
    {
        if (info.LinkTarget is null)
        {
            return info is DirectoryInfo ? EntryKind.Directory : EntryKind.File;
        }

        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is FileInfo { Exists: true } ? EntryKind.File : EntryKind.Skip;
    }

    /// <summary>VCS metadata and the CLI's own workspace never belong in a bundle, whatever the ignore files say.</summary>
    private static bool IsAlwaysExcluded(string relativePath, string name, bool isDirectory) =>
        name == ".git" || (isDirectory && relativePath == ".sprout");

    /// <summary>Deeper ignore files override shallower ones; the first scope with an opinion decides.</summary>
    private static bool IsIgnored(List<RuleScope> scopes, string relativePath, bool isDirectory)
    {
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            var scope = scopes[i];
            if (!relativePath.StartsWith(scope.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = scope.Rules.Match(relativePath[scope.Prefix.Length..], isDirectory);
            if (match != IgnoreMatch.None)
            {
                return match == IgnoreMatch.Ignored;
            }
        }

        return false;
    }

    private static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }

    private static async Task<long> WriteEntryAsync(ZipArchive archive, BundleEntry entry, CancellationToken cancellationToken)
    {
        var zipEntry = archive.CreateEntry(entry.RelativePath, entry.IsDirectory ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
        zipEntry.LastWriteTime = FixedTimestamp;
        var mode = entry.IsDirectory
            ? DirectoryType | ExecutableMode
            : RegularFileType | (entry.IsExecutable ? ExecutableMode : PlainFileMode);
        zipEntry.ExternalAttributes = unchecked(mode << 16);
        if (entry.IsDirectory)
        {
            return 0;
        }

        var source = new FileStream(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
        await using (source.ConfigureAwait(false))
        {
            var destination = await zipEntry.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (destination.ConfigureAwait(false))
            {
                await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            }

            return source.Length;
        }
    }

    private sealed record RuleScope(string Prefix, IgnoreRules Rules);

    private sealed record BundleEntry(string RelativePath, string FullPath, bool IsDirectory, bool IsExecutable);

    private enum EntryKind
    {
        File,
        Directory,
        Skip,
    }
}
