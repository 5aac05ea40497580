using Sprout.Core.Bundles;

namespace Sprout.Server.Runtime;

/// <summary>
/// Runs an app whose start command is <c>npm start</c> from its <c>scripts.start</c> directly (<see cref="NpmStartScript"/>),
/// unless the package needs npm itself or the app asks for npm with the environment property
/// <c>SPROUT_NPM_START=npm</c>.
/// </summary>
internal static class NpmStartShortcut
{
    public const string OptOutVariable = "SPROUT_NPM_START";

    public const string OptOutValue = "npm";

    /// <summary>
    /// The command to run for <paramref name="startCommand"/>: the start script with npm's variables added to
    /// <paramref name="environment"/>, or <paramref name="startCommand"/> unchanged.
    /// </summary>
    public static string Resolve(string startCommand, string appDirectory, IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(startCommand);
        ArgumentNullException.ThrowIfNull(environment);
        if (startCommand.Trim() != NpmStartScript.NpmStartCommand
            || (environment.TryGetValue(OptOutVariable, out var optOut) && string.Equals(optOut, OptOutValue, StringComparison.OrdinalIgnoreCase))
            || File.Exists(Path.Combine(appDirectory, NpmStartScript.NpmrcFileName)))
        {
            return startCommand;
        }

        string packageJson;
        try
        {
            packageJson = File.ReadAllText(Path.Combine(appDirectory, NpmStartScript.PackageFileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return startCommand; // npm reports a missing or unreadable package.json in its own words
        }

        if (NpmStartScript.TryParse(packageJson) is not { } script)
        {
            return startCommand;
        }

        var path = environment.TryGetValue("PATH", out var current) ? current ?? "" : "";
        foreach (var (name, value) in script.Environment(Path.GetFullPath(appDirectory), path, FindOnPath("node", path)))
        {
            environment[name] = value;
        }

        return script.Script;
    }

    private static string? FindOnPath(string executable, string path) =>
        path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
}
