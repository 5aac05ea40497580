using System.Text;

namespace Sprout.Server.Runtime;

/// <summary>Reads an instance's log stream: its current file and, going further back, the rotated copies.</summary>
public static class InstanceLogReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The last <paramref name="maxLines"/> lines of the stream, oldest first; every line kept on disk when null.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(string instanceDirectory, string stream, int? maxLines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceDirectory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLines ?? 0, nameof(maxLines));

        // Newest first: the current file, then .1, .2, ...
        var files = new List<string> { InstanceDirectoryLayout.LogFile(instanceDirectory, stream) };
        for (var generation = 1; File.Exists(InstanceDirectoryLayout.RotatedLogFile(instanceDirectory, stream, generation)); generation++)
        {
            files.Add(InstanceDirectoryLayout.RotatedLogFile(instanceDirectory, stream, generation));
        }

        var collected = new List<List<string>>();
        var count = 0;
        foreach (var file in files)
        {
            if (maxLines is { } limit && count >= limit)
            {
                break;
            }

            var lines = await ReadTailAsync(file, maxLines - count, cancellationToken);
            collected.Add(lines);
            count += lines.Count;
        }

        var result = new List<string>(count);
        for (var i = collected.Count - 1; i >= 0; i--)
        {
            result.AddRange(collected[i]);
        }

        return result;
    }

    /// <summary>The last <paramref name="maxLines"/> lines of one file (all when null), reading backwards from its end.</summary>
    private static async Task<List<string>> ReadTailAsync(string path, int? maxLines, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            // ReadWrite sharing: the app keeps appending while we read.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        await using (file)
        {
            var end = file.Length;
            var start = end;
            var newlines = 0;
            var buffer = new byte[ChunkSize];
            var chunks = new List<byte[]>();

            // A trailing newline ends the last line; it does not start another one.
            var needed = maxLines is { } n ? n + 1 : int.MaxValue;
            while (start > 0 && newlines < needed)
            {
                var size = (int)Math.Min(ChunkSize, start);
                start -= size;
                file.Position = start;
                await file.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
                var chunk = buffer.AsSpan(0, size).ToArray();
                newlines += chunk.AsSpan().Count((byte)'\n');
                chunks.Add(chunk);
            }

            var bytes = new byte[chunks.Sum(c => c.Length)];
            var offset = 0;
            for (var i = chunks.Count - 1; i >= 0; i--)
            {
                chunks[i].CopyTo(bytes, offset);
                offset += chunks[i].Length;
            }

            // Splitting on '\n' is safe on raw UTF-8: that byte never occurs inside a multi-byte sequence.
            var lines = Encoding.UTF8.GetString(bytes).Split('\n').Select(line => line.TrimEnd('\r')).ToList();
            if (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            // When reading stopped mid-file, the first piece is a fragment of a longer line.
            if (start > 0 && lines.Count > 0)
            {
                lines.RemoveAt(0);
            }

            return maxLines is { } max && lines.Count > max ? lines.GetRange(lines.Count - max, max) : lines;
        }
    }
}
