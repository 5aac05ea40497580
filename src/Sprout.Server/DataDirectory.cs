namespace Sprout.Server;

/// <summary>
/// Lays out the data directory. It is traversable but not listable by others (0711) so apps,
/// which run as an unprivileged user, can reach their own instance directory and nothing else:
/// the store, artifacts, slugs and token stay private to the server.
/// </summary>
internal static class DataDirectory
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode TraverseOnly = Private | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static void Prepare(ServerOptions options)
    {
        Create(options.DataDirectory, TraverseOnly);
        Create(options.StoreDirectory, Private);
        Create(options.ArtifactsDirectory, Private);
        Create(options.SlugsDirectory, Private);
        Create(options.BuildsDirectory, TraverseOnly);
        Create(options.InstancesDirectory, TraverseOnly);
    }

    private static void Create(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode);
    }
}
