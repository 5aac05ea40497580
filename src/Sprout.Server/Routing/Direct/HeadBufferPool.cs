using Sprout.Server.Routing.Pooling;

namespace Sprout.Server.Routing.Direct;

/// <summary>
/// The direct path's 4 KiB head buffers, rented for one request and returned after it, so a quiet keep-alive
/// connection holds none. <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps too few per core for a loop
/// with dozens of requests in flight and allocated new ones under load; these come from a
/// <see cref="PerThreadPool{T}"/>, which holds nothing but them.
/// </summary>
internal static class HeadBufferPool
{
    public const int BufferSize = 4096;

    // Enough for the requests one loop has in flight at once under heavy load (512 KiB per thread at most).
    private const int MaxPerThread = 128;
    private const int MaxShared = 512;

    public static byte[] Rent() => PerThreadPool<byte[]>.Rent() ?? new byte[BufferSize];

    /// <summary>Takes back a buffer of <see cref="BufferSize"/> bytes (any other size is left to the collector).</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length == BufferSize)
        {
            PerThreadPool<byte[]>.Return(buffer, MaxPerThread, MaxShared);
        }
    }
}
