using System.Text.Json;
using System.Threading.Channels;

namespace Sprout.Server.Routing.AccessLog;

/// <summary>
/// Writes the router's structured access log (JSON lines) off the request path: requests only
/// enqueue; one background loop writes and flushes in batches. When the writer falls behind by more
/// than <see cref="Capacity"/> entries, new entries are dropped and counted rather than slowing requests.
/// </summary>
public sealed class AccessLogWriter : IAsyncDisposable
{
    public const int Capacity = 65_536;

    private readonly Channel<AccessLogEntry> _entries = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private readonly Task _loop;
    private long _dropped;

    /// <param name="output">Where lines go; owned (closed on dispose) when <paramref name="ownsOutput"/>.</param>
    public AccessLogWriter(Stream output, bool ownsOutput)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _ownsOutput = ownsOutput;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Appends to a file (created if missing), or writes to standard output for <c>-</c>.</summary>
    public static AccessLogWriter Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return path == "-"
            ? new AccessLogWriter(Console.OpenStandardOutput(), ownsOutput: false)
            : new AccessLogWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true), ownsOutput: true);
    }

    /// <summary>Entries lost because the writer could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Write(in AccessLogEntry entry)
    {
        if (!_entries.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new MemoryStream();
        var json = new Utf8JsonWriter(buffer);
        while (await _entries.Reader.WaitToReadAsync())
        {
            while (_entries.Reader.TryRead(out var entry))
            {
                WriteLine(json, entry);
                json.Flush();
                buffer.WriteByte((byte)'\n');
                json.Reset(buffer);
                if (buffer.Length >= 64 * 1024)
                {
                    await FlushAsync(buffer);
                }
            }

            await FlushAsync(buffer);
        }
    }

    private async Task FlushAsync(MemoryStream buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }

        try
        {
            await _output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            await _output.FlushAsync();
        }
        catch (IOException)
        {
            // A full disk must not stop the router; the lines are lost and counted.
            Interlocked.Increment(ref _dropped);
        }

        buffer.SetLength(0);
    }

    private static void WriteLine(Utf8JsonWriter json, in AccessLogEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("time", entry.Time);
        if (entry.RequestId is not null)
        {
            json.WriteString("requestId", entry.RequestId);
        }

        json.WriteString("client", entry.ClientAddress);
        json.WriteString("method", entry.Method);
        json.WriteString("host", entry.Host);
        json.WriteString("path", entry.Path);
        json.WriteString("protocol", entry.Protocol);
        json.WriteNumber("status", entry.Status);
        json.WriteNumber("durationMs", Math.Round(entry.DurationMs, 3));
        json.WriteString("environment", entry.Environment);
        json.WriteString("instance", entry.Instance);
        json.WriteString("error", entry.Error);
        json.WriteEndObject();
    }

    public async ValueTask DisposeAsync()
    {
        _entries.Writer.TryComplete();
        await _loop;
        if (_ownsOutput)
        {
            await _output.DisposeAsync();
        }
    }
}
