namespace Sprout.Server.Routing.Forwarding;

/// <summary>
/// Follows the frame boundaries of one direction of a WebSocket byte stream (RFC 6455 §5.2)
/// without buffering or unmasking anything, so the router knows where it may slip in a close
/// frame of its own without cutting a frame in two.
/// </summary>
internal sealed class WebSocketFrameTracker
{
    private const int MaxHeaderLength = 14;
    private readonly byte[] _header = new byte[MaxHeaderLength];
    private int _headerRead;
    private int _headerLength = 2;
    private long _payloadLeft;

    /// <summary>True between frames: the next byte starts a new frame header.</summary>
    public bool AtBoundary => _headerRead == 0 && _payloadLeft == 0;

    /// <summary>
    /// Follows <paramref name="data"/>; with <paramref name="stopAtBoundary"/>, stops at the first
    /// frame boundary (possibly at once). Returns how many bytes were followed.
    /// </summary>
    public int Advance(ReadOnlySpan<byte> data, bool stopAtBoundary)
    {
        var position = 0;
        while (position < data.Length)
        {
            if (stopAtBoundary && AtBoundary)
            {
                return position;
            }

            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, data.Length - position);
                _payloadLeft -= skip;
                position += skip;
                continue;
            }

            _header[_headerRead++] = data[position++];
            if (_headerRead == 2)
            {
                var lengthCode = _header[1] & 0x7F;
                var masked = (_header[1] & 0x80) != 0;
                _headerLength = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + (masked ? 4 : 0);
            }

            if (_headerRead >= 2 && _headerRead == _headerLength)
            {
                _payloadLeft = PayloadLength();
                _headerRead = 0;
                _headerLength = 2;
            }
        }

        return position;
    }

    private long PayloadLength()
    {
        var lengthCode = _header[1] & 0x7F;
        if (lengthCode < 126)
        {
            return lengthCode;
        }

        if (lengthCode == 126)
        {
            return (_header[2] << 8) | _header[3];
        }

        long length = 0;
        for (var i = 2; i < 10; i++)
        {
            length = (length << 8) | _header[i];
        }

        // The top bit must be zero (RFC 6455); a peer that sets it is broken, and the stream just ends up never "between frames".
        return length & long.MaxValue;
    }
}
