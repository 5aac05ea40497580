using Sprout.Server.Routing.Forwarding;

namespace Sprout.Integration.Tests.Routing.Forwarding;

public sealed class WebSocketFrameTrackerTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(5, false)]
    [InlineData(125, true)]
    [InlineData(126, true)]
    [InlineData(70_000, false)]
    [InlineData(70_000, true)]
    public void Advance_WholeFrames_BoundaryAfterEach(int payloadLength, bool masked)
    {
        var frame = Frame(payloadLength, masked);
        var tracker = new WebSocketFrameTracker();

        Assert.Equal(frame.Length, tracker.Advance(frame, stopAtBoundary: false));
        Assert.True(tracker.AtBoundary);
    }

    [Fact]
    public void Advance_ByteByByte_BoundaryOnlyAtFrameEnds()
    {
        byte[] stream = [.. Frame(3, masked: true), .. Frame(300, masked: false)];
        var tracker = new WebSocketFrameTracker();
        var boundaries = new List<int>();

        for (var i = 0; i < stream.Length; i++)
        {
            tracker.Advance(stream.AsSpan(i, 1), stopAtBoundary: false);
            if (tracker.AtBoundary)
            {
                boundaries.Add(i + 1);
            }
        }

        Assert.Equal([2 + 4 + 3, stream.Length], boundaries);
    }

    [Fact]
    public void Advance_StopAtBoundary_StopsBetweenFrames()
    {
        var first = Frame(10, masked: false);
        byte[] stream = [.. first, .. Frame(10, masked: false)];
        var tracker = new WebSocketFrameTracker();

        Assert.Equal(0, tracker.Advance(stream, stopAtBoundary: true));
        tracker.Advance(stream.AsSpan(0, 3), stopAtBoundary: false);
        Assert.Equal(first.Length - 3, tracker.Advance(stream.AsSpan(3), stopAtBoundary: true));
        Assert.True(tracker.AtBoundary);
    }

    private static byte[] Frame(int payloadLength, bool masked)
    {
        var header = new List<byte> { 0x82 };
        var maskBit = masked ? (byte)0x80 : (byte)0;
        if (payloadLength < 126)
        {
            header.Add((byte)(maskBit | payloadLength));
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            header.AddRange([(byte)(maskBit | 126), (byte)(payloadLength >> 8), (byte)payloadLength]);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                header.Add((byte)((long)payloadLength >> shift));
            }
        }

        if (masked)
        {
            header.AddRange([1, 2, 3, 4]);
        }

        return [.. header, .. new byte[payloadLength]];
    }
}
