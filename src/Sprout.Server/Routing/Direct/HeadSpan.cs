using System.Text;

namespace Sprout.Server.Routing.Direct;

/// <summary>
/// Writes a response head into one span taken from the client's pipe, so a head costs one
/// <c>GetSpan</c> and one <c>Advance</c> rather than a pair per piece. The caller sizes the span.
/// </summary>
internal ref struct HeadSpan(Span<byte> span)
{
    private readonly Span<byte> _span = span;

    public int Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[Length..]);
        Length += bytes.Length;
    }

    /// <summary>Text the router made or checked (request ids, cookie values): ASCII.</summary>
    public void WriteAscii(string text) => Length += Encoding.ASCII.GetBytes(text, _span[Length..]);
}
