using Sprout.Core.Bundles;

namespace Sprout.Server.Builds;

/// <summary>
/// One build of one bundle: extract into a fresh staging directory, detect the platform, install and
/// compile, then publish the slug with a single directory rename. Whatever happens, the staging
/// directory is removed and the log is kept.
/// </summary>
internal sealed class BuildSession(BuilderOptions options, TimeProvider timeProvider, BuildRequest request, IProgress<string> progress)
{
    private readonly string _sha = request.BundleSha256;
    private readonly string _stagingRoot = Path.Combine(options.BuildsDirectory, $"{request.BundleSha256}-{Guid.NewGuid():N}"[..(64 + 1 + 12)]);

    private string AppDirectory => Path.Combine(_stagingRoot, "app");

    private string SlugDirectory => Path.Combine(options.SlugsDirectory, _sha);

    private string LogPath => Path.Combine(options.BuildsDirectory, _sha + ".log");

    /// <summary>Caches kept across builds (packages are immutable by name and version; Go's build cache is content-addressed).</summary>
    private string SharedCacheDirectory => Path.Combine(options.BuildsDirectory, ".cache");

    public async Task<BuildResult> RunAsync(CancellationToken stopping)
    {
        Directory.CreateDirectory(options.SlugsDirectory);
        Directory.CreateDirectory(options.BuildsDirectory);
        using var log = new BuildLog(LogPath, progress, options.FailureTailLines);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.BuildTimeout);
        var started = timeProvider.GetTimestamp();
        try
        {
            log.Step($"Building {request.ApplicationName} {request.VersionLabel} (bundle {_sha})");
            var manifest = await BuildSlugAsync(log, timeout.Token);
            var result = Publish(manifest, log);
            log.Step($"Build succeeded in {timeProvider.GetElapsedTime(started).TotalSeconds:0.0}s: {manifest.Platform}, start with: {manifest.StartCommand}");
            return result;
        }
        catch (BuildFailedException e)
        {
            return Fail(log, e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return Fail(log, "build cancelled: the server is stopping; deploy again to rebuild");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Fail(log, $"build timed out after {options.BuildTimeout.TotalMinutes:0.#} minutes; its processes were killed");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.ComponentModel.Win32Exception)
        {
            return Fail(log, $"build failed: {e.Message}");
        }
        finally
        {
            TryDeleteDirectory(_stagingRoot);
        }
    }

    private async Task<SlugManifest> BuildSlugAsync(BuildLog log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_stagingRoot);
        Directory.CreateDirectory(Path.Combine(_stagingRoot, "tmp"));
        log.Step("Extracting the source bundle");
        // The store inspected the bundle at upload; extracting through ZipSafety again checks every
        // path against the destination, counts the bytes really written, and keeps only exec bits.
        await using (var bundle = new FileStream(request.BundlePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
        {
            var extracted = await ZipSafety.ExtractToAsync(bundle, AppDirectory, ZipLimits.Default, cancellationToken);
            if (extracted.Failure is { } failure)
            {
                throw new BuildFailedException($"the source bundle cannot be extracted safely: {failure.Message}");
            }
        }

        var detected = Detect(log);
        var user = await ResolveBuildUserAsync(log, cancellationToken);
        var environment = BuildEnvironment();
        Task Run(string command, CancellationToken ct) => RunAsync(command, environment, user, log, ct);
        if (user is not null)
        {
            await HandOverToBuildUserAsync(user, Run, cancellationToken);
        }

        var installer = new PlatformInstaller(options, AppDirectory, log, Run);
        var startCommand = await installer.InstallAsync(detected, cancellationToken);

        // From here on only root writes into the slug: seal it first, so nothing the build user left behind
        // (a symlink, a process that escaped its group) can redirect those writes.
        await SealAsync(user, cancellationToken);
        if (startCommand == PlatformDetector.PythonWsgiRunnerStartCommand)
        {
            await WriteSproutFileAsync(PlatformDetector.WsgiRunnerPath, WsgiRunnerScript.Source, cancellationToken);
        }

        var manifest = new SlugManifest(detected.Platform, startCommand, timeProvider.GetUtcNow(), _sha);
        PrepareSproutDirectory();
        await manifest.SaveAsync(AppDirectory, cancellationToken);
        return manifest;
    }

    private async Task HandOverToBuildUserAsync(BuildUser user, Func<string, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        await ChownAsync(user.Owner, _stagingRoot, cancellationToken);
        foreach (var cache in new[] { "nuget", "go-build" })
        {
            Directory.CreateDirectory(Path.Combine(SharedCacheDirectory, cache));
        }

        // The shared caches can be large: only walk them when they are not the build user's yet.
        var (_, owner) = await BuildProcessRunner.RunToolAsync("/usr/bin/stat", ["-c", "%u", SharedCacheDirectory], cancellationToken);
        if (owner != user.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            await ChownAsync(user.Owner, SharedCacheDirectory, cancellationToken);
        }

        try
        {
            await run("test -w . && test -w \"$HOME\"", cancellationToken);
        }
        catch (BuildFailedException)
        {
            throw new BuildFailedException(
                $"the app user '{user.Name}' cannot write its staging directory {AppDirectory}: make the directories above it traversable (chmod o+x)");
        }
    }

    private void PrepareSproutDirectory()
    {
        var directory = new DirectoryInfo(Path.Combine(AppDirectory, ".sprout"));
        if (directory.LinkTarget is not null || File.Exists(directory.FullName))
        {
            throw new BuildFailedException(".sprout in the bundle's root is not a directory; Sprout keeps its build files there: rename yours");
        }

        directory.Create();
    }

    private async Task WriteSproutFileAsync(string relativePath, string text, CancellationToken cancellationToken)
    {
        PrepareSproutDirectory();
        var path = Path.Combine(AppDirectory, relativePath);
        File.Delete(path); // removes a link itself, never its target
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
    }

    private DetectedPlatform Detect(BuildLog log)
    {
        log.Step("Detecting the platform");
        var rootFiles = Directory.EnumerateFiles(AppDirectory).Select(Path.GetFileName).OfType<string>().ToList();
        try
        {
            var detected = PlatformDetector.Detect(rootFiles, ReadSmallFile);
            log.Write($"       {detected.Platform}: {detected.Reason}");
            return detected;
        }
        catch (PlatformDetectionException e)
        {
            var folders = Directory.GetDirectories(AppDirectory);
            var hint = rootFiles.Count == 0 && folders.Length == 1
                ? $" (the bundle's files are all inside '{Path.GetFileName(folders[0])}/': zip the folder's contents, not the folder)"
                : "";
            throw new BuildFailedException(e.Message + hint);
        }
    }

    private string? ReadSmallFile(string name)
    {
        var file = new FileInfo(Path.Combine(AppDirectory, name));
        return file.Exists && file.Length <= options.MaxInspectedFileBytes ? File.ReadAllText(file.FullName) : null;
    }

    private async Task RunAsync(string command, IReadOnlyDictionary<string, string> environment, BuildUser? user, BuildLog log, CancellationToken cancellationToken)
    {
        log.Write("       $ " + command);
        var exitCode = await BuildProcessRunner.RunAsync(command, AppDirectory, environment, user, log, cancellationToken);
        if (exitCode != 0)
        {
            throw new BuildFailedException($"build command failed with exit code {exitCode}: {command}");
        }
    }

    private Dictionary<string, string> BuildEnvironment()
    {
        var path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } inherited
            ? inherited + ":/usr/local/bin:/usr/bin:/bin"
            : "/usr/local/bin:/usr/bin:/bin";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = path,
            ["HOME"] = _stagingRoot,
            ["LANG"] = "C.UTF-8",
            ["TMPDIR"] = Path.Combine(_stagingRoot, "tmp"),
            ["npm_config_cache"] = Path.Combine(_stagingRoot, ".npm"),
            ["npm_config_update_notifier"] = "false",
            ["npm_config_fund"] = "false",
            ["npm_config_audit"] = "false",
            ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1",
            ["PIP_NO_INPUT"] = "1",
            ["DOTNET_CLI_HOME"] = _stagingRoot,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["NUGET_PACKAGES"] = Path.Combine(SharedCacheDirectory, "nuget"),
            ["GOCACHE"] = Path.Combine(SharedCacheDirectory, "go-build"),
            ["GOPATH"] = Path.Combine(_stagingRoot, "go"),
            ["GOFLAGS"] = "-mod=mod",
            ["GOTOOLCHAIN"] = "local",
            ["GOPROXY"] = "off",
            ["CGO_ENABLED"] = "0",
        };
    }

    private async Task<BuildUser?> ResolveBuildUserAsync(BuildLog log, CancellationToken cancellationToken)
    {
        if (options.AppUser is not { Length: > 0 } name || !Environment.IsPrivilegedProcess)
        {
            return null;
        }

        var (uidExit, uid) = await BuildProcessRunner.RunToolAsync("/usr/bin/id", ["-u", name], cancellationToken);
        var (gidExit, gid) = await BuildProcessRunner.RunToolAsync("/usr/bin/id", ["-g", name], cancellationToken);
        if (uidExit != 0 || gidExit != 0 || !int.TryParse(uid, out var uidValue) || !int.TryParse(gid, out var gidValue))
        {
            throw new BuildFailedException(
                $"the app user '{name}' does not exist: create it (useradd --system --no-create-home {name}) or configure no app user");
        }

        log.Write($"       building as user {name} ({uidValue}:{gidValue})");
        return new BuildUser(name, uidValue, gidValue);
    }

    /// <summary>
    /// The slug becomes root's and read-only to everyone else, so neither the build user nor an instance
    /// can change what later instances start from. Hard-linked files are left alone: the build user could
    /// have linked a file it does not own, and making that world-readable would leak it.
    /// </summary>
    private async Task SealAsync(BuildUser? user, CancellationToken cancellationToken)
    {
        if (user is not null)
        {
            // The staging root first: its owner could otherwise swap the app directory for a link before the rename.
            await RunToolOrFailAsync("/bin/chown", ["--no-dereference", "0:0", _stagingRoot], cancellationToken);
            await RunToolOrFailAsync("/bin/chown", ["-R", "--no-dereference", "0:0", AppDirectory], cancellationToken);
        }

        await RunToolOrFailAsync(
            "/usr/bin/find",
            [AppDirectory, "(", "-type", "d", "-o", "(", "-type", "f", "-links", "1", ")", ")", "-exec", "/bin/chmod", "a+rX,go-w", "{}", "+"],
            cancellationToken);
    }

    private static Task ChownAsync(string owner, string directory, CancellationToken cancellationToken) =>
        RunToolOrFailAsync("/bin/chown", ["-R", "--no-dereference", owner, directory], cancellationToken);

    private static async Task RunToolOrFailAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await BuildProcessRunner.RunToolAsync(tool, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new BuildFailedException($"{Path.GetFileName(tool)} failed with exit code {exitCode}: {output}");
        }
    }

    private BuildResult Publish(SlugManifest manifest, BuildLog log)
    {
        try
        {
            Directory.Move(AppDirectory, SlugDirectory);
        }
        catch (IOException) when (SlugManifest.Load(SlugDirectory) is { } existing)
        {
            // Another process built the same bundle first; its slug is as good as ours.
            log.Write("       another build of this bundle finished first; using its slug");
            return new BuildResult(true, SlugDirectory, existing.Platform, existing.StartCommand, LogPath, null, Cached: true);
        }

        return new BuildResult(true, SlugDirectory, manifest.Platform, manifest.StartCommand, LogPath, null, Cached: false);
    }

    private BuildResult Fail(BuildLog log, string message)
    {
        log.Step(message);
        return new BuildResult(false, null, null, null, LogPath, log.Tail(), Cached: false);
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover staging directory is harmless (fresh names) and visible to an operator.
        }
    }
}
