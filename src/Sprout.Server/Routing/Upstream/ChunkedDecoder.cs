namespace Sprout.Server.Routing.Upstream;

/// <summary>What <see cref="ChunkedDecoder.Decode"/> found.</summary>
internal enum ChunkedStatus
{
    /// <summary>All input was framing; read more.</summary>
    NeedMore,

    /// <summary>A run of body bytes was found (it may be followed by more input to decode).</summary>
    Data,

    /// <summary>The last chunk and the trailer section are consumed: the body is complete.</summary>
    Complete,

    /// <summary>Not valid chunked framing (RFC 9112 §7.1), or a size or trailer beyond the limits.</summary>
    Invalid,
}

/// <summary>
/// Decodes a chunked body incrementally, from whatever pieces the socket delivers: sizes, extensions
/// (skipped), data, the last chunk and trailers (skipped; Kestrel cannot send HTTP/1.1 trailers on).
/// </summary>
internal sealed class ChunkedDecoder
{
    private const int MaxSizeDigits = 15;
    private const int MaxLineLength = 4096;
    private const int MaxTrailerBytes = 64 * 1024;

    private State _state = State.Size;
    private long _remaining;
    private int _digits;
    private int _lineLength;
    private int _trailerBytes;

    private enum State
    {
        Size,
        Extension,
        SizeLineFeed,
        Data,
        DataCarriageReturn,
        DataLineFeed,
        TrailerLineStart,
        TrailerLine,
        TrailerLineFeed,
        FinalLineFeed,
        Complete,
    }

    public bool IsComplete => _state == State.Complete;

    public void Reset()
    {
        _state = State.Size;
        _remaining = 0;
        _digits = 0;
        _lineLength = 0;
        _trailerBytes = 0;
    }

    /// <summary>
    /// Consumes framing from <paramref name="input"/> up to and including at most one run of data.
    /// </summary>
    /// <param name="input">Bytes received and not yet consumed.</param>
    /// <param name="consumed">How many bytes of <paramref name="input"/> were used (framing and data).</param>
    /// <param name="data">The data run found, a slice of <paramref name="input"/>; empty unless <see cref="ChunkedStatus.Data"/>.</param>
    public ChunkedStatus Decode(ReadOnlySpan<byte> input, out int consumed, out Range data)
    {
        data = default;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Size:
                    var digit = HexValue(b);
                    if (digit >= 0)
                    {
                        if (++_digits > MaxSizeDigits)
                        {
                            return Invalid(out consumed, i);
                        }

                        _remaining = (_remaining << 4) | (uint)digit;
                        i++;
                        break;
                    }

                    if (_digits == 0)
                    {
                        return Invalid(out consumed, i);
                    }

                    if (b == (byte)'\r')
                    {
                        _state = State.SizeLineFeed;
                    }
                    else if (b is (byte)';' or (byte)' ' or (byte)'\t')
                    {
                        _state = State.Extension;
                        _lineLength = _digits + 1;
                    }
                    else
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    break;

                case State.Extension:
                    if (b == (byte)'\r')
                    {
                        _state = State.SizeLineFeed;
                    }
                    else if (b == (byte)'\n' || ++_lineLength > MaxLineLength)
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    break;

                case State.SizeLineFeed:
                    if (b != (byte)'\n')
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    _digits = 0;
                    _state = _remaining == 0 ? State.TrailerLineStart : State.Data;
                    break;

                case State.Data:
                    var run = (int)Math.Min(_remaining, input.Length - i);
                    data = new Range(i, i + run);
                    _remaining -= run;
                    i += run;
                    if (_remaining == 0)
                    {
                        _state = State.DataCarriageReturn;
                    }

                    consumed = i;
                    return ChunkedStatus.Data;

                case State.DataCarriageReturn:
                    if (b != (byte)'\r')
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    _state = State.DataLineFeed;
                    break;

                case State.DataLineFeed:
                    if (b != (byte)'\n')
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    _state = State.Size;
                    break;

                case State.TrailerLineStart:
                    if (b == (byte)'\r')
                    {
                        _state = State.FinalLineFeed;
                    }
                    else if (b is (byte)' ' or (byte)'\t' or (byte)'\n')
                    {
                        return Invalid(out consumed, i);
                    }
                    else
                    {
                        _state = State.TrailerLine;
                    }

                    i++;
                    if (++_trailerBytes > MaxTrailerBytes)
                    {
                        return Invalid(out consumed, i);
                    }

                    break;

                case State.TrailerLine:
                    if (b == (byte)'\r')
                    {
                        _state = State.TrailerLineFeed;
                    }
                    else if (b == (byte)'\n')
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    if (++_trailerBytes > MaxTrailerBytes)
                    {
                        return Invalid(out consumed, i);
                    }

                    break;

                case State.TrailerLineFeed:
                    if (b != (byte)'\n')
                    {
                        return Invalid(out consumed, i);
                    }

                    i++;
                    _state = State.TrailerLineStart;
                    break;

                case State.FinalLineFeed:
                    if (b != (byte)'\n')
                    {
                        return Invalid(out consumed, i);
                    }

                    _state = State.Complete;
                    consumed = i + 1;
                    return ChunkedStatus.Complete;

                default:
                    // Complete: anything after the body is not ours to read.
                    consumed = i;
                    return ChunkedStatus.Complete;
            }
        }

        consumed = i;
        return _state == State.Complete ? ChunkedStatus.Complete : ChunkedStatus.NeedMore;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static ChunkedStatus Invalid(out int consumed, int at)
    {
        consumed = at;
        return ChunkedStatus.Invalid;
    }
}
