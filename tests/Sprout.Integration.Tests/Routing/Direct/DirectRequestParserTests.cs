using System.Text;
using Sprout.Server.Routing.Direct;

namespace Sprout.Integration.Tests.Routing.Direct;

/// <summary>
/// What the direct path accepts is only what cannot be read two ways; everything else is declined to
/// Kestrel, header by header.
/// </summary>
public sealed class DirectRequestParserTests
{
    private const string Plain = "GET /a%2Fb?x=1 HTTP/1.1\r\nHost: web.localhost:8080\r\nUser-agent: t\r\nAccept: */*\r\n\r\n";

    [Fact]
    public void PlainGet_IsComplete_WithItsPartsInPlace()
    {
        var (status, head, bytes) = Parse(Plain + "GET /next HTTP/1.1\r\n");

        Assert.Equal(RequestParseStatus.Complete, status);
        Assert.Equal(Plain.Length, head.Length);
        Assert.Equal("GET", Text(bytes, head.Method));
        Assert.Equal("/a%2Fb?x=1", Text(bytes, head.Target));
        Assert.Equal("web.localhost:8080", Text(bytes, head.Host));
        Assert.False(head.IsHead);
        Assert.False(head.ConnectionClose);
        Assert.Equal(["Host", "User-agent", "Accept"], head.Headers.ToArray().Select(h => Text(bytes, h.Name)));
        Assert.Equal("*/*", Text(bytes, head.Headers[2].Value));
    }

    [Theory]
    [InlineData("HEAD", true)]
    [InlineData("DELETE", false)]
    [InlineData("OPTIONS", false)]
    public void BodylessMethods_AreComplete(string method, bool isHead)
    {
        var (status, head, _) = Parse($"{method} / HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal(RequestParseStatus.Complete, status);
        Assert.Equal(isHead, head.IsHead);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHo")]
    [InlineData("GE")]
    public void PartialHead_IsIncomplete(string text)
        => Assert.Equal(RequestParseStatus.Incomplete, Parse(text).Status);

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\n\r\n", "a method that may carry a body")]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\n\r\n", "a method that may carry a body")]
    [InlineData("CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", "CONNECT")]
    [InlineData("get / HTTP/1.1\r\nHost: a\r\n\r\n", "a lower-case method")]
    [InlineData("GET / HTTP/1.0\r\nHost: a\r\n\r\n", "HTTP/1.0")]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n", "another version")]
    [InlineData("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", "absolute form")]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "asterisk form")]
    [InlineData("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", "a space in the target")]
    [InlineData("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "two spaces")]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "no Host")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "two Hosts")]
    [InlineData("GET / HTTP/1.1\r\nHost: \r\n\r\n", "an empty Host")]
    [InlineData("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "a Host with a slash")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", "Content-Length")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n\r\n", "Transfer-Encoding in lower case")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "an upgrade")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n", "Expect")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Secret\r\n\r\n", "Connection naming a header")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", "space before the colon")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n", "obsolete line folding")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\n\r\n\r\n", "a bare LF")]
    [InlineData("GET / HTTP/1.1\nHost: a\r\n\r\n", "a bare LF after the request line")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n", "a bare CR in a value")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\u00e9\r\n\r\n", "a non-ASCII value")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: \u0001\r\n\r\n", "a control character")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", "an empty name")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n", "a name that is not a token")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", "a line without a colon")]
    public void UnusualOrMalformedHeads_AreDeclined(string text, string why)
    {
        var (status, head, _) = Parse(text);

        Assert.True(status == RequestParseStatus.Declined, $"{why}: {status}");
        Assert.NotNull(head.Declined);
    }

    [Fact]
    public void BareLineFeed_IsDeclinedBeforeTheHeadEnds()
        => Assert.Equal(RequestParseStatus.Declined, Parse("GET / HTTP/1.1\nHost: a\n").Status);

    [Fact]
    public void HeadOverKestrelsLimit_IsDeclined_CompleteOrNot()
    {
        var filler = new string('a', DirectRequestParser.MaxHeadLength);
        Assert.Equal(RequestParseStatus.Declined, Parse($"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {filler}").Status);
        Assert.Equal(RequestParseStatus.Declined, Parse($"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {filler}\r\n\r\n").Status);
        Assert.Equal(RequestParseStatus.Declined, Parse($"GET /{filler[..(DirectRequestParser.MaxRequestLineLength + 1)]} HTTP/1.1\r\nHost: a\r\n\r\n").Status);
    }

    [Fact]
    public void MoreHeadersThanKestrelAllows_IsDeclined()
    {
        var allowed = string.Concat(Enumerable.Range(0, DirectRequestParser.MaxHeaderCount - 1).Select(i => $"X-{i}: v\r\n"));
        Assert.Equal(RequestParseStatus.Complete, Parse($"GET / HTTP/1.1\r\nHost: a\r\n{allowed}\r\n").Status);
        Assert.Equal(RequestParseStatus.Declined, Parse($"GET / HTTP/1.1\r\nHost: a\r\n{allowed}X-Last: v\r\n\r\n").Status);
    }

    [Theory]
    [InlineData("Connection: close", true)]
    [InlineData("Connection: Keep-Alive", false)]
    [InlineData("Connection: keep-alive, close", true)]
    public void Connection_OnlyKeepAliveAndClose_AreRead(string line, bool close)
    {
        var (status, head, bytes) = Parse($"GET / HTTP/1.1\r\nHost: a\r\n{line}\r\n\r\n");

        Assert.Equal(RequestParseStatus.Complete, status);
        Assert.Equal(close, head.ConnectionClose);
        Assert.Equal(HeaderDisposition.Drop, head.Headers.ToArray().Single(h => Text(bytes, h.Name) == "Connection").Disposition);
    }

    [Theory]
    [InlineData("Keep-Alive: timeout=5")]
    [InlineData("Proxy-Connection: keep-alive")]
    [InlineData("TE: trailers")]
    [InlineData("Trailer: X-Sum")]
    [InlineData("Proxy-Authorization: Basic eA==")]
    [InlineData("X-Forwarded-For: 6.6.6.6")]
    [InlineData("x-forwarded-proto: https")]
    [InlineData("X-Forwarded-Host: evil")]
    [InlineData("X-Forwarded-Port: 1")]
    [InlineData("X-Request-Id: abc")]
    public void HopByHopAndRouterHeaders_AreDropped(string line)
    {
        var (status, head, bytes) = Parse($"GET / HTTP/1.1\r\nHost: a\r\n{line}\r\n\r\n");

        Assert.Equal(RequestParseStatus.Complete, status);
        var name = line[..line.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal(HeaderDisposition.Drop, head.Headers.ToArray().Single(h => Text(bytes, h.Name) == name).Disposition);
        Assert.Equal(name.StartsWith("X-Forwarded", StringComparison.OrdinalIgnoreCase), head.HasForwardedHeaders);
    }

    [Fact]
    public void HostCookieAndOthers_HaveTheirDispositions()
    {
        var (_, head, bytes) = Parse("GET / HTTP/1.1\r\nHost: a\r\nCookie: AWSALB=i-1\r\nX-Custom:  spaced value \t\r\n\r\n");

        var lines = head.Headers.ToArray();
        Assert.Equal([HeaderDisposition.Host, HeaderDisposition.Cookie, HeaderDisposition.Forward], lines.Select(l => l.Disposition));
        Assert.Equal("spaced value", Text(bytes, lines[2].Value));
    }

    [Theory]
    [InlineData("X-Request-Id: client-id-1\r\n", "client-id-1")]
    [InlineData("X-Request-Id: a b\r\n", "a b")]
    [InlineData("X-Request-Id: \r\n", "")]
    [InlineData("X-Request-Id: a\r\nX-Request-Id: b\r\n", "")]
    [InlineData("", "")]
    public void RequestId_KeptOnlyWhenOneAndSane(string lines, string expected)
    {
        var (_, head, bytes) = Parse($"GET / HTTP/1.1\r\nHost: a\r\n{lines}\r\n");

        Assert.Equal(expected, Text(bytes, head.RequestId));
    }

    [Fact]
    public void RequestId_OverTheLengthLimit_IsNotKept()
    {
        var (_, head, bytes) = Parse($"GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: {new string('x', 201)}\r\n\r\n");

        Assert.Equal("", Text(bytes, head.RequestId));
    }

    private static (RequestParseStatus Status, DirectRequestHead Head, byte[] Bytes) Parse(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var head = new DirectRequestHead();
        return (DirectRequestParser.TryParse(bytes, head), head, bytes);
    }

    private static string Text(byte[] bytes, Range range) => Encoding.Latin1.GetString(bytes[range]);
}
