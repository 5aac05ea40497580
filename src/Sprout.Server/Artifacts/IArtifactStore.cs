namespace Sprout.Server.Artifacts;

/// <summary>
/// Content-addressed storage of source bundles. An upload is streamed to a temporary file,
/// hashed and size-limited on the way, checked, and only then renamed into place: a failed or
/// hostile upload leaves nothing behind. The S3-compatible store comes later behind this seam.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores a bundle. Throws <see cref="BundleRejectedException"/> (nothing kept) when it is too large, not a zip, or hostile.</summary>
    Task<StoredArtifact> PutBundleAsync(Stream content, string? expectedSha256, CancellationToken cancellationToken);

    /// <summary>The path of a stored bundle, or null.</summary>
    string? GetBundlePath(string sha256);
}

public sealed record StoredArtifact(string Sha256, long Size, string Path);

/// <summary>An upload refused for a reason the client can fix; <see cref="Code"/> is stable for scripts.</summary>
public sealed class BundleRejectedException(string code, string message, int statusCode = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}
