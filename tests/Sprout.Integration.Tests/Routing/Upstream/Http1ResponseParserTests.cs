using System.Text;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Integration.Tests.Routing.Upstream;

public sealed class Http1ResponseParserTests
{
    [Fact]
    public void Parse_SimpleHead_StatusFramingAndHeaderOffsets()
    {
        var bytes = Bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Padded:  v  \r\n\r\nhello");
        var head = new Http1ResponseHead();

        var status = Http1ResponseParser.TryParse(bytes, head);

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal((200, 5L, false, true), (head.StatusCode, head.ContentLength, head.IsChunked, head.KeepAlive));
        Assert.Equal(bytes.Length - 5, head.Length);
        var headers = head.Headers.ToArray().Select(h => (Text(bytes, h.NameStart, h.NameLength), Text(bytes, h.ValueStart, h.ValueLength))).ToArray();
        Assert.Equal([("Content-Type", "text/plain"), ("Content-Length", "5"), ("X-Padded", "v")], headers);
    }

    [Fact]
    public void Parse_ArrivingByteByByte_IncompleteUntilTheBlankLine()
    {
        var bytes = Bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        var head = new Http1ResponseHead();

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(HeadParseStatus.Incomplete, Http1ResponseParser.TryParse(bytes.AsSpan(0, length), head));
        }

        Assert.Equal(HeadParseStatus.Complete, Http1ResponseParser.TryParse(bytes, head));
        Assert.Equal(404, head.StatusCode);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n continued\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n\tcontinued\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nName : space-before-colon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n: no-name\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Ctl: a\u0001b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Cr: a\rb\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n")]
    [InlineData("HTTP/1.2 200 OK\r\n\r\n")]
    [InlineData("HTTP/2 200\r\n\r\n")]
    [InlineData("http/1.1 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\n\n")]
    public void Parse_InvalidHead_Rejected(string text)
    {
        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Invalid, Http1ResponseParser.TryParse(Bytes(text), head));
        Assert.NotNull(head.Invalid);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n")]
    [InlineData("Content-Length: 5, 5\r\n")]
    public void Parse_RepeatedIdenticalContentLength_Accepted(string headers)
    {
        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Complete, Http1ResponseParser.TryParse(Bytes($"HTTP/1.1 200 OK\r\n{headers}\r\n"), head));
        Assert.Equal(5, head.ContentLength);
    }

    [Fact]
    public void Parse_HeadTooLarge_RejectedWithoutWaitingForTheEnd()
    {
        var filler = new StringBuilder("HTTP/1.1 200 OK\r\n");
        while (filler.Length < Http1ResponseHead.MaxLength)
        {
            filler.Append("X-Filler: ").Append('v', 100).Append("\r\n");
        }

        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Invalid, Http1ResponseParser.TryParse(Bytes(filler.ToString()), head));
        Assert.Equal(HeadParseStatus.Invalid, Http1ResponseParser.TryParse(Bytes(filler + "\r\n"), head));
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n", true, true)]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n", true, true)]
    [InlineData("Transfer-Encoding: CHUNKED\r\n", true, true)]
    [InlineData("Transfer-Encoding: chunked, gzip\r\n", false, false)]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 10\r\n", true, false)]
    [InlineData("Connection: close\r\nContent-Length: 0\r\n", false, false)]
    [InlineData("Connection: keep-alive, Close\r\nContent-Length: 0\r\n", false, false)]
    [InlineData("Connection: keep-alive\r\nContent-Length: 0\r\n", false, true)]
    public void Parse_Framing_ChunkedAndKeepAlive(string headers, bool chunked, bool keepAlive)
    {
        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Complete, Http1ResponseParser.TryParse(Bytes($"HTTP/1.1 200 OK\r\n{headers}\r\n"), head));
        Assert.Equal((chunked, keepAlive), (head.IsChunked, head.KeepAlive));
    }

    [Fact]
    public void Parse_Http10_NeverKeptAlive()
    {
        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Complete, Http1ResponseParser.TryParse(Bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), head));
        Assert.True(head.IsHttp10);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public void Parse_StatusLineWithoutReason_Accepted()
    {
        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Complete, Http1ResponseParser.TryParse(Bytes("HTTP/1.1 204\r\n\r\n"), head));
        Assert.Equal(204, head.StatusCode);
    }

    [Fact]
    public void Parse_ObsTextInValue_AcceptedAsLatin1()
    {
        var bytes = Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nX-Name: caf\u00e9\r\n\r\n");
        var head = new Http1ResponseHead();

        Assert.Equal(HeadParseStatus.Complete, Http1ResponseParser.TryParse(bytes, head));
        var line = head.Headers[0];
        Assert.Equal("caf\u00e9", Encoding.Latin1.GetString(bytes, line.ValueStart, line.ValueLength));
    }

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static string Text(byte[] bytes, int start, int length) => Encoding.Latin1.GetString(bytes, start, length);
}
