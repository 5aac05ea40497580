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

    public static void Prepare(ServerOptions options, bool appsRunAsAnotherUser)
    {
        if (appsRunAsAnotherUser)
        {
            RequireTraversableAncestors(Path.GetFullPath(options.DataDirectory), options.AppUser!);
        }

        Create(options.DataDirectory, TraverseOnly);
        Create(options.StoreDirectory, Private);
        Create(options.ArtifactsDirectory, Private);
        Create(options.SlugsDirectory, Private);
        Create(options.BuildsDirectory, TraverseOnly);
        Create(options.InstancesDirectory, TraverseOnly);
    }

    /// <summary>Apps reach their instance directory through every ancestor of the data directory; refuse to start where they could not.</summary>
    private static void RequireTraversableAncestors(string dataDirectory, string appUser)
    {
        for (var directory = Path.GetDirectoryName(dataDirectory); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.Exists(directory) && !File.GetUnixFileMode(directory).HasFlag(UnixFileMode.OtherExecute))
            {
                throw new DataDirectoryException(
                    $"Apps run as the unprivileged user '{appUser}', who cannot reach {dataDirectory}: {directory} is not traversable by other users. " +
                    $"Use a data directory under a traversable path (the default for root is /var/lib/sprout), or `chmod o+x {directory}`.");
            }
        }
    }

    private static void Create(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode);
    }
}

/// <summary>The data directory cannot be used as asked; the message says how to fix it.</summary>
internal sealed class DataDirectoryException(string message) : Exception(message);
