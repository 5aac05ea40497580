using Sprout.Core.Bundles;

namespace Sprout.Server.Artifacts;

/// <summary>
/// Codes of <see cref="BundleRejectedException"/> raised by the store itself; a bundle refused for
/// its contents carries one of <see cref="ZipSafetyCodes"/> instead.
/// </summary>
public static class BundleRejectionCodes
{
    /// <summary>The upload went over <see cref="ArtifactStoreOptions.MaxBundleBytes"/>; status 413.</summary>
    public const string TooLarge = "bundle_too_large";

    /// <summary>The bytes received do not hash to the SHA-256 the client announced.</summary>
    public const string ChecksumMismatch = "bundle_checksum_mismatch";

    /// <summary>The announced SHA-256 is not 64 hexadecimal digits.</summary>
    public const string ChecksumInvalid = "bundle_checksum_invalid";
}
