using System.Text.Json;
using Sprout.Core.Bundles;

namespace Sprout.Server.Builds;

/// <summary>
/// The platform-specific part of a build: install dependencies, compile, and settle the start command.
/// Steps that would do nothing (no dependencies, no requirements) are skipped so simple bundles build in seconds.
/// </summary>
internal sealed class PlatformInstaller(
    BuilderOptions options,
    string appDirectory,
    BuildLog log,
    Func<string, CancellationToken, Task> runCommand)
{
    /// <summary>Runs the platform's steps and returns the command instances start with.</summary>
    public async Task<string> InstallAsync(DetectedPlatform detected, CancellationToken cancellationToken)
    {
        switch (detected.Platform)
        {
            case PlatformDetector.Node:
                await InstallNodeAsync(cancellationToken);
                break;
            case PlatformDetector.Python:
                return await InstallPythonAsync(detected, cancellationToken);
            case PlatformDetector.Dotnet:
                await PublishDotnetAsync(cancellationToken);
                break;
            case PlatformDetector.Go:
                log.Step("Building the Go module");
                await runCommand($"{Quote(options.GoPath)} build -o {PlatformDetector.GoBinaryName} .", cancellationToken);
                break;
            default:
                log.Step($"Nothing to install for {detected.Platform}");
                break;
        }

        return detected.DefaultStartCommand
            ?? throw new BuildFailedException($"no start command for {detected.Platform}: add a Procfile with a web: line");
    }

    private async Task InstallNodeAsync(CancellationToken cancellationToken)
    {
        if (!HasNodeDependencies(await File.ReadAllTextAsync(InApp("package.json"), cancellationToken)))
        {
            log.Step("package.json has no dependencies; skipping npm install");
            return;
        }

        var locked = File.Exists(InApp("package-lock.json")) || File.Exists(InApp("npm-shrinkwrap.json"));
        log.Step(locked ? "Installing node dependencies from package-lock.json" : "Installing node dependencies");
        await runCommand($"{Quote(options.NpmPath)} {(locked ? "ci" : "install")} --omit=dev", cancellationToken);
    }

    private async Task<string> InstallPythonAsync(DetectedPlatform detected, CancellationToken cancellationToken)
    {
        var requirements = InApp("requirements.txt");
        var hasRequirements = File.Exists(requirements) && HasPythonRequirements(await File.ReadAllTextAsync(requirements, cancellationToken));
        var python = Quote(options.Python3Path);
        if (hasRequirements)
        {
            log.Step("Creating the virtualenv and installing requirements.txt");
            await runCommand($"{python} -m venv .venv", cancellationToken);
            await runCommand(".venv/bin/python -m pip install -r requirements.txt", cancellationToken);
        }
        else
        {
            // Without packages to install, a venv without pip is enough and takes a fraction of a second.
            log.Step("Creating the virtualenv (requirements.txt lists no packages)");
            await runCommand($"{python} -m venv --without-pip .venv", cancellationToken);
        }

        if (detected.StartsFromProcfile)
        {
            return detected.DefaultStartCommand!;
        }

        if (File.Exists(InApp(".venv/bin/gunicorn")))
        {
            log.Write("       gunicorn is installed; it serves application:application");
            return PlatformDetector.PythonGunicornStartCommand;
        }

        // The builder writes the runner once the slug is sealed.
        log.Write("       gunicorn is not installed; Sprout's stdlib WSGI runner serves application:application");
        return PlatformDetector.PythonWsgiRunnerStartCommand;
    }

    private async Task PublishDotnetAsync(CancellationToken cancellationToken)
    {
        var project = Directory.EnumerateFiles(appDirectory, "*.csproj").Select(Path.GetFileName).Single()!;
        log.Step($"Publishing {project}");
        await runCommand(
            $"{Quote(options.DotnetPath)} publish {Quote(project)} -c Release -o {PlatformDetector.DotnetPublishDirectory} --nologo --disable-build-servers",
            cancellationToken);
    }

    internal static bool HasNodeDependencies(string packageJson)
    {
        try
        {
            using var document = JsonDocument.Parse(packageJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("dependencies", out var dependencies)
                && dependencies.ValueKind == JsonValueKind.Object
                && dependencies.EnumerateObject().Any();
        }
        catch (JsonException e)
        {
            throw new BuildFailedException($"package.json is not valid JSON: {e.Message}");
        }
    }

    internal static bool HasPythonRequirements(string requirements) =>
        requirements.ReplaceLineEndings("\n").Split('\n')
            .Select(line => line.Split('#', 2)[0].Trim())
            .Any(line => line.Length > 0);

    private string InApp(string relativePath) => Path.Combine(appDirectory, relativePath);

    private static string Quote(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+') ? word : "'" + word.Replace("'", "'\\''") + "'";
}
