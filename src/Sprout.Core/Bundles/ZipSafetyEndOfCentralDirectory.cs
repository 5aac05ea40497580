using System.Buffers.Binary;

namespace Sprout.Core.Bundles;

/// <summary>
/// Reads the entry count a zip declares at its end, before <see cref="System.IO.Compression.ZipArchive"/>
/// builds an object per entry: a small upload of empty entries would otherwise cost gigabytes of memory
/// before the entry limit could be applied.
/// </summary>
internal static class ZipSafetyEndOfCentralDirectory
{
    private const uint Signature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64Signature = 0x06064b50;
    private const int MinimumLength = 22;
    private const int Zip64LocatorLength = 20;
    private const int Zip64MinimumLength = 56;
    private const int MaxCommentLength = ushort.MaxValue;

    /// <summary>The declared total number of entries, or null when no end record is found (the zip reader will then call it corrupt).</summary>
    public static long? ReadDeclaredEntryCount(Stream seekableZip)
    {
        long start = seekableZip.Position;
        try
        {
            int tailLength = (int)Math.Min(seekableZip.Length, MinimumLength + MaxCommentLength + Zip64LocatorLength);
            byte[] tail = new byte[tailLength];
            seekableZip.Seek(-tailLength, SeekOrigin.End);
            seekableZip.ReadExactly(tail);

            for (int at = tailLength - MinimumLength; at >= 0; at--)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != Signature)
                {
                    continue;
                }

                ushort entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + 10));
                return entries != ushort.MaxValue ? entries : ReadZip64EntryCount(seekableZip, tail, at) ?? entries;
            }

            return null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
        finally
        {
            seekableZip.Position = start;
        }
    }

    private static long? ReadZip64EntryCount(Stream seekableZip, byte[] tail, int endRecordAt)
    {
        int locatorAt = endRecordAt - Zip64LocatorLength;
        if (locatorAt < 0 || BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(locatorAt)) != Zip64LocatorSignature)
        {
            return null;
        }

        ulong zip64At = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(locatorAt + 8));
        if (zip64At > (ulong)(seekableZip.Length - Zip64MinimumLength))
        {
            return null;
        }

        byte[] record = new byte[Zip64MinimumLength];
        seekableZip.Position = (long)zip64At;
        seekableZip.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64Signature)
        {
            return null;
        }

        ulong entries = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
        return entries > long.MaxValue ? long.MaxValue : (long)entries;
    }
}
