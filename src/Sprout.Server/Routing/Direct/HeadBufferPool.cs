namespace Sprout.Server.Routing.Direct;

/// <summary>
/// The direct path's 4 KiB head buffers, rented for one request and returned after it, so a quiet keep-alive
/// connection holds none. <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps too few per core for a loop
/// with dozens of requests in flight and allocated new ones under load; this keeps a stack per thread, and a
/// shared one for buffers returned on another loop than the one that rented them.
/// </summary>
internal static class HeadBufferPool
{
    public const int BufferSize = 4096;

    // Enough for the requests one loop has in flight at once under heavy load (512 KiB per thread at most).
    private const int MaxPerThread = 128;
    private const int MaxShared = 512;

    [ThreadStatic]
    private static Stack<byte[]>? t_buffers;

    private static readonly Lock s_sharedGate = new();
    private static readonly Stack<byte[]> s_shared = new();
    private static int s_sharedCount;

    public static byte[] Rent()
    {
        if (t_buffers is { Count: > 0 } buffers)
        {
            return buffers.Pop();
        }

        if (Volatile.Read(ref s_sharedCount) > 0)
        {
            lock (s_sharedGate)
            {
                var found = s_shared.TryPop(out var buffer);
                Volatile.Write(ref s_sharedCount, s_shared.Count);
                if (found)
                {
                    return buffer!;
                }
            }
        }

        return new byte[BufferSize];
    }

    /// <summary>Takes back a buffer of <see cref="BufferSize"/> bytes (any other size is left to the collector).</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length != BufferSize)
        {
            return;
        }

        var buffers = t_buffers ??= new Stack<byte[]>();
        if (buffers.Count < MaxPerThread)
        {
            buffers.Push(buffer);
            return;
        }

        lock (s_sharedGate)
        {
            if (s_shared.Count < MaxShared)
            {
                s_shared.Push(buffer);
                Volatile.Write(ref s_sharedCount, s_shared.Count);
            }
        }
    }
}
