namespace Sprout.Core.Bundles;

/// <summary>Stable codes of <see cref="ZipSafetyFailure"/>; clients and scripts match on them.</summary>
public static class ZipSafetyCodes
{
    /// <summary>Not a zip, or its central directory or data cannot be read.</summary>
    public const string Corrupt = "bundle_corrupt";

    /// <summary>An entry name is absolute, climbs out with <c>..</c>, or holds control characters.</summary>
    public const string PathTraversal = "bundle_path_traversal";

    public const string Symlink = "bundle_symlink";

    public const string DuplicateEntry = "bundle_duplicate_entry";

    public const string TooManyEntries = "bundle_too_many_entries";

    /// <summary>The declared or the actually decompressed size is over <see cref="ZipLimits.MaxTotalUncompressedBytes"/>.</summary>
    public const string TooLargeUncompressed = "bundle_too_large_uncompressed";

    /// <summary>One entry expands more than <see cref="ZipLimits.MaxCompressionRatio"/> times and is big enough to hurt.</summary>
    public const string ZipBomb = "bundle_zip_bomb";
}
