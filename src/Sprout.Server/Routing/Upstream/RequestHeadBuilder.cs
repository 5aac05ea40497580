using System.Buffers;
using System.Text;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// Writes an HTTP/1.1 request head (and small pieces of body framing) into a pooled buffer, rented at the
/// first write and grown as needed. Strings are written as UTF-8: Kestrel decoded the client's header bytes
/// as ASCII with a UTF-8 fallback, so this sends the instance the bytes the client sent.
/// </summary>
internal sealed class RequestHeadBuilder : IDisposable
{
    private const int InitialSize = 4096;

    private readonly bool _headBufferPool;
    private byte[] _buffer = [];
    private int _length;

    /// <param name="headBufferPool">Take buffers from <see cref="Direct.HeadBufferPool"/> (a loop's own requests) rather than the shared array pool.</param>
    public RequestHeadBuilder(bool headBufferPool = false) => _headBufferPool = headBufferPool;

    public int Length => _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Room to write at least <paramref name="size"/> bytes directly; commit them with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Clear() => _length = 0;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Write(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    /// <summary><c>name: value\r\n</c>.</summary>
    public void Header(string name, string? value)
    {
        Write(name);
        Write(": "u8);
        Write(value);
        Write("\r\n"u8);
    }

    /// <summary>The chunk-size line of a chunk of <paramref name="size"/> bytes: <c>hex\r\n</c>.</summary>
    public void ChunkPrefix(int size)
    {
        var span = GetSpan(16);
        size.TryFormat(span, out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
        span[written] = (byte)'\r';
        span[written + 1] = (byte)'\n';
        _length += written + 2;
    }

    /// <summary>Gives the buffer back to the pool, and what was written with it; the next write rents one again.</summary>
    public void Release()
    {
        _length = 0;
        var buffer = _buffer;
        _buffer = [];
        Return(buffer);
    }

    public void Dispose() => Release();

    private void Ensure(int size)
    {
        if (_buffer.Length - _length >= size)
        {
            return;
        }

        var wanted = Math.Max(Math.Max(_buffer.Length * 2, InitialSize), _length + size);
        var grown = _headBufferPool ? Direct.HeadBufferPool.Rent(wanted) : ArrayPool<byte>.Shared.Rent(wanted);
        _buffer.AsSpan(0, _length).CopyTo(grown);
        Return(_buffer);
        _buffer = grown;
    }

    private void Return(byte[] buffer)
    {
        if (_headBufferPool)
        {
            Direct.HeadBufferPool.Return(buffer);
        }
        else if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
