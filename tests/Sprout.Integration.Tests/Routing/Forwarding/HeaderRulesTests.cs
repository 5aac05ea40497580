using System.Net;
using Microsoft.AspNetCore.Http;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Integration.Tests.Routing.Forwarding;

public sealed class HeaderRulesTests
{
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.9");

    [Theory]
    [InlineData("Connection", "keep-alive")]
    [InlineData("Keep-Alive", "timeout=5")]
    [InlineData("Proxy-Connection", "keep-alive")]
    [InlineData("Proxy-Authenticate", "Basic")]
    [InlineData("Proxy-Authorization", "Basic Zm9vOmJhcg==")]
    [InlineData("TE", "trailers")]
    [InlineData("Trailer", "X-Checksum")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Upgrade", "websocket")]
    public void Request_HopByHopHeader_NotCopied(string name, string value)
    {
        var outgoing = CopyRequest(new HeaderDictionary { [name] = value, ["X-Other"] = "kept" });

        Assert.False(outgoing.Headers.NonValidated.Contains(name));
        Assert.Equal("kept", outgoing.Headers.NonValidated["X-Other"].ToString());
    }

    [Theory]
    [InlineData("Connection", "keep-alive")]
    [InlineData("Keep-Alive", "timeout=5")]
    [InlineData("Proxy-Connection", "keep-alive")]
    [InlineData("Proxy-Authenticate", "Basic")]
    [InlineData("Proxy-Authorization", "Basic Zm9vOmJhcg==")]
    [InlineData("TE", "trailers")]
    [InlineData("Trailer", "X-Checksum")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Upgrade", "websocket")]
    public void Response_HopByHopHeader_NotCopied(string name, string value)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation(name, value);
        response.Headers.TryAddWithoutValidation("X-Other", "kept");

        var copied = CopyResponse(response);

        Assert.False(copied.ContainsKey(name));
        Assert.Equal("kept", copied["X-Other"].ToString());
    }

    [Fact]
    public void Request_HeadersNamedInConnection_NotCopied()
    {
        var outgoing = CopyRequest(new HeaderDictionary
        {
            ["Connection"] = "keep-alive, X-Secret , x-other-secret",
            ["X-Secret"] = "a",
            ["X-Other-Secret"] = "b",
            ["X-Public"] = "c",
        });

        Assert.False(outgoing.Headers.NonValidated.Contains("X-Secret"));
        Assert.False(outgoing.Headers.NonValidated.Contains("X-Other-Secret"));
        Assert.Equal("c", outgoing.Headers.NonValidated["X-Public"].ToString());
    }

    [Fact]
    public void Response_HeadersNamedInConnection_NotCopied()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("Connection", "X-Backend-Secret");
        response.Headers.TryAddWithoutValidation("X-Backend-Secret", "hidden");
        response.Headers.TryAddWithoutValidation("X-Backend-Public", "visible");

        var copied = CopyResponse(response);

        Assert.False(copied.ContainsKey("X-Backend-Secret"));
        Assert.Equal("visible", copied["X-Backend-Public"].ToString());
    }

    [Fact]
    public void Request_EndToEndHeaderWithSeveralValues_AllValuesCopied()
    {
        var outgoing = CopyRequest(new HeaderDictionary { ["Accept"] = new(["text/html", "application/json"]), ["Cookie"] = "a=1" });

        Assert.Equal(["text/html", "application/json"], outgoing.Headers.NonValidated["Accept"].Select(v => v!).ToArray());
        Assert.Equal("a=1", outgoing.Headers.NonValidated["Cookie"].ToString());
    }

    [Fact]
    public void Response_SetCookieWithSeveralValues_AllValuesCopied()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("Set-Cookie", ["a=1", "b=2"]);

        var copied = CopyResponse(response);

        Assert.Equal(new[] { "a=1", "b=2" }, copied["Set-Cookie"].Select(v => v!).ToArray());
    }

    [Fact]
    public void Request_ContentHeaders_GoOnTheContent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://instance/") { Content = new ByteArrayContent([]) };

        HeaderRules.CopyRequestHeaders(new HeaderDictionary { ["Content-Type"] = "text/plain", ["Content-Length"] = "0" }, request);

        Assert.Equal("text/plain", request.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, request.Content.Headers.ContentLength);
    }

    [Fact]
    public void Request_ContentLengthAlongsideTransferEncoding_Dropped()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://instance/") { Content = new ByteArrayContent([]) };

        HeaderRules.CopyRequestHeaders(new HeaderDictionary { ["Transfer-Encoding"] = "chunked", ["Content-Length"] = "5" }, request);

        Assert.False(request.Content.Headers.NonValidated.Contains("Content-Length"));
        Assert.False(request.Headers.NonValidated.Contains("Transfer-Encoding"));
    }

    [Theory]
    [InlineData("Host", "web.localhost")]
    [InlineData("Expect", "100-continue")]
    [InlineData(":authority", "web.localhost")]
    [InlineData("X-Request-Id", "from-client")]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Forwarded-Host", "evil.example")]
    [InlineData("X-Forwarded-Port", "443")]
    public void Request_HeaderTheRouterDecides_NotCopiedVerbatim(string name, string value)
    {
        var outgoing = CopyRequest(new HeaderDictionary { [name] = value });

        Assert.False(outgoing.Headers.NonValidated.Contains(name));
    }

    [Theory]
    [InlineData(204)]
    [InlineData(101)]
    public void Response_ContentLengthOnStatusWithoutBody_Dropped(int status)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentLength = 0;

        var copied = CopyResponse(response, status);

        Assert.False(copied.ContainsKey("Content-Length"));
    }

    [Fact]
    public void Response_RequestIdFromInstance_NotCopied()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("X-Request-Id", "instance-made");

        var copied = CopyResponse(response);

        Assert.False(copied.ContainsKey("X-Request-Id"));
    }

    [Fact]
    public void XForwardedFor_UntrustedPeer_ReplacedWithPeerAddress()
    {
        var headers = Forwarded(new HeaderDictionary { ["X-Forwarded-For"] = "203.0.113.7" }, trusted: false);

        Assert.Equal("198.51.100.9", headers["X-Forwarded-For"]);
    }

    [Fact]
    public void XForwardedFor_TrustedPeer_PeerAppended()
    {
        var headers = Forwarded(new HeaderDictionary { ["X-Forwarded-For"] = new(["203.0.113.7", "10.0.0.1"]) }, trusted: true);

        Assert.Equal("203.0.113.7, 10.0.0.1, 198.51.100.9", headers["X-Forwarded-For"]);
    }

    [Fact]
    public void XForwardedFor_TrustedPeerWithoutHeader_PeerOnly()
    {
        var headers = Forwarded([], trusted: true);

        Assert.Equal("198.51.100.9", headers["X-Forwarded-For"]);
    }

    [Fact]
    public void XForwardedFor_IPv4MappedPeer_WrittenAsIPv4()
    {
        var headers = Forwarded([], trusted: false, peer: s_client.MapToIPv6());

        Assert.Equal("198.51.100.9", headers["X-Forwarded-For"]);
    }

    [Fact]
    public void XForwardedFor_UnknownPeer_Omitted()
    {
        var headers = Forwarded(new HeaderDictionary { ["X-Forwarded-For"] = "203.0.113.7" }, trusted: false, usePeer: false);

        Assert.False(headers.ContainsKey("X-Forwarded-For"));
    }

    [Theory]
    [InlineData("X-Forwarded-Proto", "https", "http")]
    [InlineData("X-Forwarded-Host", "evil.example", "web.localhost:8080")]
    [InlineData("X-Forwarded-Port", "443", "8080")]
    public void XForwarded_UntrustedPeer_ReplacedWithOurs(string name, string theirs, string ours)
    {
        var headers = Forwarded(new HeaderDictionary { [name] = theirs, ["Host"] = "web.localhost:8080" }, trusted: false);

        Assert.Equal(ours, headers[name]);
    }

    [Theory]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Forwarded-Host", "www.example.com")]
    [InlineData("X-Forwarded-Port", "443")]
    public void XForwarded_TrustedPeer_Kept(string name, string theirs)
    {
        var headers = Forwarded(new HeaderDictionary { [name] = theirs, ["Host"] = "web.localhost:8080" }, trusted: true);

        Assert.Equal(theirs, headers[name]);
    }

    [Theory]
    [InlineData("X-Forwarded-Proto", "http")]
    [InlineData("X-Forwarded-Host", "web.localhost:8080")]
    [InlineData("X-Forwarded-Port", "8080")]
    public void XForwarded_TrustedPeerWithoutHeader_Ours(string name, string ours)
    {
        var headers = Forwarded(new HeaderDictionary { ["Host"] = "web.localhost:8080" }, trusted: true);

        Assert.Equal(ours, headers[name]);
    }

    [Theory]
    [InlineData("abc-123", true)]
    [InlineData("with inner space", true)]
    [InlineData("", false)]
    [InlineData(" leading", false)]
    [InlineData("trailing ", false)]
    [InlineData("tab\there", false)]
    [InlineData("é-not-ascii", false)]
    public void RequestId_Acceptable_OnlyPrintableAscii(string value, bool acceptable)
        => Assert.Equal(acceptable, RequestIds.IsAcceptable(value));

    [Fact]
    public void RequestId_TooLongOrRepeated_NotAcceptable()
    {
        Assert.True(RequestIds.IsAcceptable(new string('a', RequestIds.MaxLength)));
        Assert.False(RequestIds.IsAcceptable(new string('a', RequestIds.MaxLength + 1)));
        Assert.False(RequestIds.IsAcceptable(new(["a", "b"])));
    }

    [Fact]
    public void RequestId_New_CompactUniqueAndAcceptable()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RequestIds.NewId()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Equal(20, id.Length));
        Assert.All(ids, id => Assert.True(RequestIds.IsAcceptable(id)));
    }

    [Theory]
    [InlineData("10.0.0.7", "10.0.0.7", true)]
    [InlineData("10.0.0.7", "10.0.0.8", false)]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("::1", "::1", true)]
    public void TrustedProxies_AddressOrNetwork_Matches(string network, string peer, bool trusted)
        => Assert.Equal(trusted, ProxyNetworks.Contains([ProxyNetworks.Parse(network)], IPAddress.Parse(peer)));

    private static HttpRequestMessage CopyRequest(HeaderDictionary incoming)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://instance/");
        HeaderRules.CopyRequestHeaders(incoming, request);
        return request;
    }

    private static IHeaderDictionary CopyResponse(HttpResponseMessage response, int status = 200)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = status;
        HeaderRules.CopyResponseHeaders(response, context.Response);
        return context.Response.Headers;
    }

    private static Dictionary<string, string> Forwarded(HeaderDictionary incoming, bool trusted, IPAddress? peer = null, bool usePeer = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://instance/");
        HeaderRules.SetForwardedHeaders(incoming, request.Headers, usePeer ? peer ?? s_client : null, "http", 8080, trusted);
        return request.Headers.NonValidated.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
    }
}
