using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sprout.Server.Routing.Forwarding;

/// <summary>
/// <c>X-Request-Id</c>: a client's own id is kept when it is sane, otherwise the router makes one,
/// so one id follows the request through the instance's logs and back to the client.
/// </summary>
public static class RequestIds
{
    public const string HeaderName = "X-Request-Id";

    /// <summary>Longest client-supplied id kept; longer ones are replaced.</summary>
    public const int MaxLength = 200;

    private static ReadOnlySpan<byte> Alphabet => "0123456789abcdefghjkmnpqrstvwxyz"u8;

    // A random per-process prefix plus a counter: unique within the process without a random
    // number per request, and unlikely to repeat across restarts.
    private static readonly ulong s_processPrefix = (ulong)Random.Shared.NextInt64() & 0xFF_FFFF_FFFF;
    private static long s_counter = Random.Shared.NextInt64(0, 1L << 40);

    /// <summary>The id the forwarder gave <paramref name="context"/>, or null if it was not forwarded.</summary>
    public static string? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IRequestIdFeature>()?.RequestId;
    }

    /// <summary>True for one value of printable ASCII (spaces only inside), at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsAcceptable(StringValues values)
    {
        if (values.Count != 1 || values[0] is not { Length: > 0 and <= MaxLength } value)
        {
            return false;
        }

        if (value[0] == ' ' || value[^1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Length of the ids <see cref="NewId()"/> makes.</summary>
    public const int NewIdLength = 20;

    /// <summary>A new 20-character id (lower-case base32, 100 bits).</summary>
    public static string NewId()
    {
        Span<byte> id = stackalloc byte[NewIdLength];
        NewId(id);
        return System.Text.Encoding.ASCII.GetString(id);
    }

    /// <summary>A new id, as ASCII bytes, into the first <see cref="NewIdLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void NewId(Span<byte> destination)
    {
        var id = destination[..NewIdLength];
        var prefix = s_processPrefix;
        var count = (ulong)Interlocked.Increment(ref s_counter) & 0x0FFF_FFFF_FFFF_FFFF;
        for (var i = 7; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(prefix & 31)];
            prefix >>= 5;
        }

        for (var i = NewIdLength - 1; i >= 8; i--)
        {
            id[i] = Alphabet[(int)(count & 31)];
            count >>= 5;
        }
    }

    /// <summary>Keeps the client's id or makes one, and records it on the context.</summary>
    internal static string Assign(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName];
        var id = IsAcceptable(incoming) ? incoming[0]! : NewId();
        context.Features.Set<IRequestIdFeature>(new RequestIdFeature(id));
        return id;
    }

    private sealed class RequestIdFeature(string requestId) : IRequestIdFeature
    {
        public string RequestId { get; } = requestId;
    }
}
