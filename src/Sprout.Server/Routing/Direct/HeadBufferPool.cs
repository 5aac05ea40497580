using System.Buffers;
using Sprout.Server.Routing.Pooling;

namespace Sprout.Server.Routing.Direct;

/// <summary>
/// The direct path's head buffers, rented for one request and returned after it, so a quiet keep-alive
/// connection holds none. <see cref="ArrayPool{T}.Shared"/> keeps too few per core for a loop with dozens of
/// requests in flight and allocated new ones under load, so the usual 4 KiB ones come from a
/// <see cref="PerThreadPool{T}"/>, which holds nothing but them; larger ones (a long head) from the shared pool.
/// </summary>
internal static class HeadBufferPool
{
    public const int BufferSize = 4096;

    // Enough for the requests one loop has in flight at once under heavy load (512 KiB per thread at most).
    private const int MaxPerThread = 128;
    private const int MaxShared = 512;

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes (<see cref="BufferSize"/> when that is enough).</summary>
    public static byte[] Rent(int minimumLength = BufferSize)
        => minimumLength <= BufferSize ? PerThreadPool<byte[]>.Rent() ?? new byte[BufferSize] : ArrayPool<byte>.Shared.Rent(minimumLength);

    /// <summary>Takes back a buffer <see cref="Rent"/> gave; an empty one is ignored.</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length == BufferSize)
        {
            PerThreadPool<byte[]>.Return(buffer, MaxPerThread, MaxShared);
        }
        else if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
