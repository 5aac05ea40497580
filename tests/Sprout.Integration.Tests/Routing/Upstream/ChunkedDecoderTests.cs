using System.Text;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Integration.Tests.Routing.Upstream;

public sealed class ChunkedDecoderTests
{
    [Theory]
    [InlineData("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world")]
    [InlineData("A\r\n0123456789\r\n0\r\n\r\n", "0123456789")]
    [InlineData("a;name=value;x\r\n0123456789\r\n0\r\n\r\n", "0123456789")]
    [InlineData("3 \r\nabc\r\n0\r\n\r\n", "abc")]
    [InlineData("3\r\nabc\r\n0\r\nX-Trailer: 1\r\nY-Trailer: 2\r\n\r\n", "abc")]
    [InlineData("0\r\n\r\n", "")]
    [InlineData("000\r\n\r\n", "")]
    public void Decode_WholeBodyAtOnce_DataThenComplete(string framed, string expected)
    {
        var (data, complete, rest) = DecodeInPieces(Encoding.ASCII.GetBytes(framed), pieceSize: int.MaxValue);

        Assert.True(complete);
        Assert.Equal(expected, Encoding.ASCII.GetString(data));
        Assert.Equal(0, rest);
    }

    [Fact]
    public void Decode_OneByteAtATime_SameBody()
    {
        var framed = Encoding.ASCII.GetBytes("4;e=1\r\nWiki\r\n7\r\npedia i\r\nB\r\nn \r\nchunks.\r\n0\r\nT: v\r\n\r\n");

        var (data, complete, _) = DecodeInPieces(framed, pieceSize: 1);

        Assert.True(complete);
        Assert.Equal("Wikipedia in \r\nchunks.", Encoding.ASCII.GetString(data));
    }

    [Fact]
    public void Decode_BytesAfterTheLastChunk_LeftUnconsumed()
    {
        var (_, complete, rest) = DecodeInPieces(Encoding.ASCII.GetBytes("1\r\na\r\n0\r\n\r\nHTTP/1.1 200 OK"), pieceSize: int.MaxValue);

        Assert.True(complete);
        Assert.Equal("HTTP/1.1 200 OK".Length, rest);
    }

    [Fact]
    public void Decode_Truncated_NeedsMore()
    {
        var decoder = new ChunkedDecoder();
        var input = Encoding.ASCII.GetBytes("5\r\nhel");

        Assert.Equal(ChunkedStatus.Data, decoder.Decode(input, out var consumed, out var data));
        Assert.Equal("hel", Encoding.ASCII.GetString(input[data]));
        Assert.Equal(ChunkedStatus.NeedMore, decoder.Decode(input.AsSpan(consumed), out _, out _));
        Assert.False(decoder.IsComplete);
    }

    [Theory]
    [InlineData("x\r\n")]
    [InlineData("\r\n")]
    [InlineData("5\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n")]
    [InlineData("5\r\nhello\rX0\r\n\r\n")]
    [InlineData("1234567890abcdef0\r\n")]
    [InlineData("0\r\nBad trailer\n\r\n")]
    [InlineData("0\r\n folded\r\n\r\n")]
    [InlineData("0\r\n\rX")]
    public void Decode_InvalidFraming_Rejected(string framed)
    {
        var decoder = new ChunkedDecoder();
        var input = Encoding.ASCII.GetBytes(framed);
        ChunkedStatus status;
        var offset = 0;
        do
        {
            status = decoder.Decode(input.AsSpan(offset), out var consumed, out _);
            offset += consumed;
        }
        while (status == ChunkedStatus.Data);

        Assert.Equal(ChunkedStatus.Invalid, status);
    }

    [Fact]
    public void Decode_ExtensionLongerThanTheLimit_Rejected()
    {
        var decoder = new ChunkedDecoder();
        var input = Encoding.ASCII.GetBytes("1;" + new string('e', 5000) + "\r\na\r\n0\r\n\r\n");

        Assert.Equal(ChunkedStatus.Invalid, decoder.Decode(input, out _, out _));
    }

    private static (byte[] Data, bool Complete, int Unconsumed) DecodeInPieces(byte[] framed, int pieceSize)
    {
        var decoder = new ChunkedDecoder();
        var output = new List<byte>();
        var pending = new List<byte>();
        var fed = 0;
        while (true)
        {
            var take = Math.Min(pieceSize, framed.Length - fed);
            pending.AddRange(framed.AsSpan(fed, take));
            fed += take;
            var input = pending.ToArray();
            var offset = 0;
            while (true)
            {
                var status = decoder.Decode(input.AsSpan(offset), out var consumed, out var data);
                if (status == ChunkedStatus.Data)
                {
                    output.AddRange(input.AsSpan(offset)[data]);
                    offset += consumed;
                    continue;
                }

                Assert.NotEqual(ChunkedStatus.Invalid, status);
                offset += consumed;
                if (status == ChunkedStatus.Complete)
                {
                    return ([.. output], true, input.Length - offset);
                }

                break;
            }

            pending.RemoveRange(0, offset);
            if (fed == framed.Length)
            {
                return ([.. output], false, pending.Count);
            }
        }
    }
}
