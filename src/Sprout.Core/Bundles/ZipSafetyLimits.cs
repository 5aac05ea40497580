namespace Sprout.Core.Bundles;

/// <summary>What a source bundle may expand to. The defaults suit application source trees.</summary>
public sealed record ZipLimits
{
    public static ZipLimits Default { get; } = new();

    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Checked against the declared sizes before extracting and against the bytes actually written while extracting.</summary>
    public long MaxTotalUncompressedBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>An entry expanding more than this many times its compressed size is a bomb ...</summary>
    public int MaxCompressionRatio { get; init; } = 200;

    /// <summary>... once it is over this size; small, very compressible files (a file of spaces) are normal.</summary>
    public long CompressionRatioMinimumBytes { get; init; } = 10L * 1024 * 1024;
}
