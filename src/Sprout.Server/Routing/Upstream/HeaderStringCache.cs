using System.Text;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// Per connection, the strings made for the header names and values of the last response, by line:
/// an instance repeats the same headers in the same order (<c>Content-Type: text/plain</c>, its
/// <c>Date</c> for a whole second), so most responses need no new strings at all.
/// </summary>
internal sealed class HeaderStringCache
{
    private const int Lines = 24;
    private const int MaxCachedLength = 256;

    private readonly Entry[] _names = new Entry[Lines];
    private readonly Entry[] _values = new Entry[Lines];

    /// <summary>The name of header line <paramref name="line"/> (a token, so ASCII).</summary>
    public string Name(int line, ReadOnlySpan<byte> bytes) => Get(_names, line, bytes, Encoding.ASCII);

    /// <summary>The value of header line <paramref name="line"/>; Latin-1, as HTTP/1.1 defines obs-text.</summary>
    public string Value(int line, ReadOnlySpan<byte> bytes) => Get(_values, line, bytes, Encoding.Latin1);

    private static string Get(Entry[] entries, int line, ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        if (line >= Lines || bytes.Length > MaxCachedLength)
        {
            return encoding.GetString(bytes);
        }

        ref var entry = ref entries[line];
        if (entry.Bytes is { } cached && bytes.SequenceEqual(cached))
        {
            return entry.Text!;
        }

        var text = encoding.GetString(bytes);
        entry = new Entry(bytes.ToArray(), text);
        return text;
    }

    private record struct Entry(byte[]? Bytes, string? Text);
}
