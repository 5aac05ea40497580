using System.Net;
using System.Text;
using Sprout.Integration.Tests.Routing.Forwarding;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Upstream;

/// <summary>
/// The native HTTP/1.1 upstream client through a real router, against instances that send exactly
/// the bytes each test needs (<see cref="ScriptedInstance"/>).
/// </summary>
public sealed class UpstreamClientTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task KeepAlive_SequentialRequests_ShareOneConnection()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is not null)
            {
                await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Seen: yes\r\n\r\nok");
            }
        });
        await using var router = await StartRouterAsync(instance);

        for (var i = 0; i < 5; i++)
        {
            using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/n/{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
            Assert.Equal("yes", response.Headers.GetValues("X-Seen").Single());
        }

        Assert.Equal(1, instance.Accepted);
        Assert.Equal(5, instance.Heads.Count);
    }

    [Fact]
    public async Task RequestHead_WrittenFromKestrelHeaders_HopByHopDroppedOursAdded()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync("HTTP/1.1 204 No Content\r\n\r\n");
        });
        await using var router = await StartRouterAsync(instance);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/a%2Fb?x=1");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");
        request.Headers.TryAddWithoutValidation("Cookie", "a=1");

        using var response = await router.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var head = Assert.Single(instance.Heads);
        Assert.StartsWith("GET /a%2Fb?x=1 HTTP/1.1\r\nHost: web.localhost\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Custom: kept\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nCookie: a=1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-For: 127.0.0.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-Proto: http\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Request-Id: ", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Keep-Alive", head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Transfer-Encoding", head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Content-Length", head, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(3_000)]
    [InlineData(40_000)]
    [InlineData(65_536)]
    [InlineData(1_000_000)]
    public async Task ContentLengthResponse_LargerThanOneRead_RelayedWhole(int length)
    {
        var body = new string('b', length);
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is not null)
            {
                await connection.SendAsync(FormattableString.Invariant($"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n"));
                await connection.SendAsync(body);
            }
        });
        await using var router = await StartRouterAsync(instance);

        for (var i = 0; i < 3; i++)
        {
            using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/big")).WaitAsync(s_wait);
            // Head and body arrive in separate reads here, so the last bytes are written after the response started.
            Assert.Equal(length, (await response.Content.ReadAsByteArrayAsync().WaitAsync(s_wait)).Length);
        }

        Assert.Equal(1, instance.Accepted);
    }

    [Fact]
    public async Task ChunkedResponse_InPieces_RelayedWholeAndConnectionReused()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is not null)
            {
                await connection.SendAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
                await Task.Delay(20);
                await connection.SendAsync("lo\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
            }
        });
        await using var router = await StartRouterAsync(instance);

        using var first = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));
        var firstBody = await first.Content.ReadAsStringAsync();
        using var second = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal("hello world", firstBody);
        Assert.Equal("hello world", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, instance.Accepted);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw");
        Assert.Equal((ForwarderError.None, 11L), (observed.Error, observed.ResponseBytes));
    }

    [Fact]
    public async Task ChunkedRequest_UnknownLength_SentChunkedToTheInstance()
    {
        byte[]? received = null;
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            var head = await connection.ReadHeadAsync();
            Assert.Contains("\r\nTransfer-Encoding: chunked\r\n", head, StringComparison.Ordinal);
            received = await connection.ReadChunkedAsync();
            await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
        });
        await using var router = await StartRouterAsync(instance);
        var body = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new StreamContent(new MemoryStream(body)) };
        request.Headers.TransferEncodingChunked = true;

        using var response = await router.SendAsync(request);

        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        Assert.Equal(body, received);
    }

    [Fact]
    public async Task ContentLengthRequest_BodyForwardedWithItsLength()
    {
        byte[]? received = null;
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            var head = await connection.ReadHeadAsync();
            Assert.Contains("\r\nContent-Length: 3000\r\n", head, StringComparison.Ordinal);
            Assert.DoesNotContain("Transfer-Encoding", head, StringComparison.Ordinal);
            received = await connection.ReadBytesAsync(3000);
            await connection.SendAsync("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        });
        await using var router = await StartRouterAsync(instance);
        var body = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(body) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body, received);
    }

    [Fact]
    public async Task StalePooledConnection_IdempotentRequest_RetriedOnAFreshOne()
    {
        var closedAfterFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            // Keep-alive promised, then the connection closed while the router holds it idle (an instance's idle timeout).
            await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            connection.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            closedAfterFirst.TrySetResult();
            await connection.StayQuietAsync();
        });
        await using var router = await StartRouterAsync(instance);
        using var first = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));
        Assert.Equal("first", await first.Content.ReadAsStringAsync());
        await closedAfterFirst.Task.WaitAsync(s_wait);

        using var second = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("first", await second.Content.ReadAsStringAsync());
        Assert.Equal(2, instance.Accepted);
    }

    [Fact]
    public async Task StalePooledConnection_Post_CheckedBeforeUseAndSentOnAFreshOne()
    {
        var closedAfterFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            var head = await connection.ReadHeadAsync();
            if (head!.StartsWith("POST", StringComparison.Ordinal))
            {
                await connection.ReadBytesAsync(4);
            }

            await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            connection.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            closedAfterFirst.TrySetResult();
        });
        await using var router = await StartRouterAsync(instance);
        using var first = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));
        await first.Content.ReadAsStringAsync();
        await closedAfterFirst.Task.WaitAsync(s_wait);

        using var post = await router.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("data") });

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(2, instance.Accepted);
    }

    [Fact]
    public async Task ContentLengthMismatch_InstanceClosesEarly_ClientConnectionAbortedNotATruncated200()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + new string('x', 1000));
            await Task.Delay(50);
        });
        await using var router = await StartRouterAsync(instance);

        var reading = Task.Run(async () =>
        {
            using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"), completion: HttpCompletionOption.ResponseHeadersRead);
            return await response.Content.ReadAsByteArrayAsync();
        });

        await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(s_wait));
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw");
        Assert.Equal(ForwarderError.ResponseBodyDestination, observed.Error);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: a\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\n\n")]
    [InlineData("HTTP/2 200\r\n\r\n")]
    public async Task InvalidResponseHead_Returns502(string answer)
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync(answer);
            await connection.StayQuietAsync();
        });
        await using var router = await StartRouterAsync(instance);

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw");
        Assert.Equal((502, ForwarderError.Request), (observed.StatusCode, observed.Error));
    }

    [Fact]
    public async Task OversizedResponseHead_Returns502()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            var huge = new StringBuilder("HTTP/1.1 200 OK\r\n");
            for (var i = 0; i < 1000; i++)
            {
                huge.Append(CultureInvariant($"X-Filler-{i}: {new string('v', 100)}\r\n"));
            }

            await connection.SendAsync(huge.Append("Content-Length: 0\r\n\r\n").ToString());
            await connection.StayQuietAsync();
        });
        await using var router = await StartRouterAsync(instance);

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task InterimContinue_Skipped_FinalResponseRelayed()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
        });
        await using var router = await StartRouterAsync(instance);

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("final", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ConnectionClose_OrBytesBeyondTheBody_ConnectionNotReused()
    {
        var answers = new[]
        {
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        };
        var served = 0;
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is not null)
            {
                await connection.SendAsync(answers[Math.Min(Interlocked.Increment(ref served) - 1, answers.Length - 1)]);
            }
        });
        await using var router = await StartRouterAsync(instance);

        for (var i = 0; i < 4; i++)
        {
            using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        }

        // close → new connection; junk → new connection; then the clean one is kept for the fourth request.
        Assert.Equal(3, instance.Accepted);
    }

    [Fact]
    public async Task Head_ContentLengthWithoutBody_RelayedAndConnectionReused()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is { } head)
            {
                await connection.SendAsync(head.StartsWith("HEAD", StringComparison.Ordinal)
                    ? "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        await using var router = await StartRouterAsync(instance);

        using var head = await router.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        using var get = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(1234, head.Content.Headers.ContentLength);
        Assert.Equal("ok", await get.Content.ReadAsStringAsync());
        Assert.Equal(1, instance.Accepted);
    }

    [Fact]
    public async Task ResponseUntilClose_NoLengthNoChunking_RelayedWhole()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync("HTTP/1.1 200 OK\r\n\r\nall of it");
            connection.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        });
        await using var router = await StartRouterAsync(instance);

        using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal("all of it", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SilentMidBody_LongerThanTimeout_ClientConnectionAborted()
    {
        await using var instance = ScriptedInstance.Start(async connection =>
        {
            await connection.ReadHeadAsync();
            await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
            await connection.StayQuietAsync();
        });
        await using var router = await StartRouterAsync(instance, TimeSpan.FromMilliseconds(300));

        var reading = Task.Run(async () =>
        {
            using var response = await router.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"), completion: HttpCompletionOption.ResponseHeadersRead);
            return await response.Content.ReadAsByteArrayAsync();
        });

        await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(s_wait));
        var observed = await router.Observer.WaitForAsync(r => r.InstanceId == "i-raw");
        Assert.Equal(ForwarderError.ResponseBodyTimedOut, observed.Error);
    }

    private static async Task<ForwardingRouter> StartRouterAsync(ScriptedInstance instance, TimeSpan? timeout = null)
    {
        var router = await ForwardingRouter.StartAsync(options => options with
        {
            Upstream = RouterUpstream.Native,
            RequestTimeout = timeout ?? options.RequestTimeout,
        });
        router.Route("web.localhost", instance.Target);
        return router;
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
