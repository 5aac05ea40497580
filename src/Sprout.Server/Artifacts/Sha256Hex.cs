using System.Buffers;

namespace Sprout.Server.Artifacts;

/// <summary>The one spelling of a SHA-256 the store uses in paths: 64 lower-case hexadecimal digits.</summary>
public static class Sha256Hex
{
    public const int Length = 64;

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>True only for the canonical form, so a value that passes can go into a path as it is.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: Length } && !value.AsSpan().ContainsAnyExcept(LowerHexDigits);
}
