using Sprout.Core.Bundles;

namespace Sprout.Server.Artifacts;

/// <param name="ArtifactsDirectory">Root of the store: <c>tmp/</c> holds uploads in flight, <c>sha256/&lt;hh&gt;/</c> the stored bundles.</param>
/// <param name="MaxBundleBytes">Largest upload accepted, counted on the bytes actually received.</param>
/// <param name="ZipLimits">What an accepted bundle may expand to.</param>
public sealed record ArtifactStoreOptions(string ArtifactsDirectory, long MaxBundleBytes, ZipLimits ZipLimits)
{
    public static ArtifactStoreOptions FromServerOptions(ServerOptions serverOptions)
    {
        ArgumentNullException.ThrowIfNull(serverOptions);
        return new ArtifactStoreOptions(serverOptions.ArtifactsDirectory, serverOptions.MaxBundleBytes, ZipLimits.Default);
    }
}
