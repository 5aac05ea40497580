namespace Sprout.Integration.Tests.Platform;

/// <summary>Finds the repository's files (samples) from the test's output directory.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sprout.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Could not find the repository root (Sprout.slnx) above " + AppContext.BaseDirectory);
    }
}
