using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sprout.Core.Bundles;

/// <summary>
/// Decides a bundle's platform and start command from the files at its root, the way Beanstalk's
/// platforms do: a Procfile <c>web:</c> line wins; otherwise each platform's default entry point.
/// Pure: the caller lists the root and reads small files.
/// </summary>
public static partial class PlatformDetector
{
    public const string Node = "node";
    public const string Python = "python";
    public const string Dotnet = "dotnet";
    public const string Go = "go";
    public const string Static = "static";
    public const string ProcfileOnly = "procfile";

    /// <summary>Where the builder writes Sprout's stdlib WSGI server for python bundles without gunicorn.</summary>
    public const string WsgiRunnerPath = ".sprout/wsgi_runner.py";

    /// <summary>Where .NET bundles are published to, relative to the slug's root.</summary>
    public const string DotnetPublishDirectory = ".sprout/publish";

    /// <summary>The binary Go bundles are built into (Beanstalk's name).</summary>
    public const string GoBinaryName = "application";

    public const string PythonWsgiRunnerStartCommand = ".venv/bin/python " + WsgiRunnerPath;

    public const string PythonGunicornStartCommand = ".venv/bin/python -m gunicorn --bind 127.0.0.1:$PORT application:application";

    public const string StaticStartCommand = "/usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT";

    public const string UnknownPlatformMessage =
        "could not detect a platform: add a Procfile with a web: line, or one of package.json, requirements.txt, application.py, *.csproj, go.mod, index.html";

    private static readonly string[] NodeEntryFiles = ["app.js", "server.js", "index.js"];

    /// <param name="rootFileNames">Names of the regular files at the bundle's root (case-sensitive, as Beanstalk).</param>
    /// <param name="readSmallFile">Reads a root file's text; null when it is missing or too large to inspect.</param>
    /// <exception cref="PlatformDetectionException">No platform, or a platform without a way to start it.</exception>
    public static DetectedPlatform Detect(IReadOnlyCollection<string> rootFileNames, Func<string, string?> readSmallFile)
    {
        ArgumentNullException.ThrowIfNull(rootFileNames);
        ArgumentNullException.ThrowIfNull(readSmallFile);
        var files = new HashSet<string>(rootFileNames, StringComparer.Ordinal);

        var procfile = ReadProcfile(files, readSmallFile);
        var web = procfile?.WebCommand;
        var platform = DetectPlatformFromFiles(files, readSmallFile, startKnown: web is not null);

        if (web is not null)
        {
            var reason = platform is null
                ? "Procfile web: process (no platform files, nothing to install)"
                : $"Procfile web: process; {platform.Platform} install steps ({platform.Reason})";
            return new DetectedPlatform(platform?.Platform ?? ProcfileOnly, web, reason) { Procfile = procfile };
        }

        if (platform is null)
        {
            throw new PlatformDetectionException(procfile is null
                ? UnknownPlatformMessage
                : "the Procfile has no web: line and " + UnknownPlatformMessage);
        }

        return platform with { Procfile = procfile };
    }

    private static Procfile? ReadProcfile(HashSet<string> files, Func<string, string?> readSmallFile)
    {
        if (!files.Contains(Procfile.FileName))
        {
            return null;
        }

        var text = readSmallFile(Procfile.FileName)
            ?? throw new PlatformDetectionException("the Procfile could not be read (too large?)");
        try
        {
            return Procfile.Parse(text);
        }
        catch (ProcfileFormatException e)
        {
            throw new PlatformDetectionException(e.Message);
        }
    }

    // startKnown: a Procfile supplies the start command, so a platform without a default entry point is fine.
    private static DetectedPlatform? DetectPlatformFromFiles(HashSet<string> files, Func<string, string?> readSmallFile, bool startKnown)
    {
        if (files.Contains("package.json"))
        {
            return DetectNode(files, readSmallFile, startKnown);
        }

        if (files.Contains("requirements.txt") || files.Contains("application.py"))
        {
            return DetectPython(files, readSmallFile, startKnown);
        }

        var projects = files.Where(f => f.EndsWith(".csproj", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (projects.Count > 0)
        {
            return DetectDotnet(projects, readSmallFile);
        }

        if (files.Contains("go.mod"))
        {
            return new DetectedPlatform(Go, "./" + GoBinaryName, $"go.mod; built into ./{GoBinaryName}");
        }

        if (files.Contains("index.html"))
        {
            return new DetectedPlatform(Static, StaticStartCommand, "index.html; served as static files");
        }

        return null;
    }

    private static DetectedPlatform DetectNode(HashSet<string> files, Func<string, string?> readSmallFile, bool startKnown)
    {
        var text = readSmallFile("package.json") ?? throw new PlatformDetectionException("package.json could not be read (too large?)");
        bool hasStartScript;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            hasStartScript = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("scripts", out var scripts)
                && scripts.ValueKind == JsonValueKind.Object
                && scripts.TryGetProperty("start", out var start)
                && start.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(start.GetString());
        }
        catch (JsonException e)
        {
            throw new PlatformDetectionException($"package.json is not valid JSON: {e.Message}");
        }

        if (hasStartScript)
        {
            return new DetectedPlatform(Node, "npm start", "package.json with scripts.start");
        }

        var entry = Array.Find(NodeEntryFiles, files.Contains);
        if (entry is not null)
        {
            return new DetectedPlatform(Node, $"node {entry}", $"package.json without scripts.start; {entry} found");
        }

        return startKnown
            ? new DetectedPlatform(Node, null, "package.json")
            : throw new PlatformDetectionException(
                "node bundle (package.json) has no way to start: add scripts.start to package.json, an app.js, server.js or index.js, or a Procfile with a web: line");
    }

    private static DetectedPlatform DetectPython(HashSet<string> files, Func<string, string?> readSmallFile, bool startKnown)
    {
        var marker = files.Contains("requirements.txt") ? "requirements.txt" : "application.py";
        if (startKnown)
        {
            return new DetectedPlatform(Python, null, marker);
        }

        if (!files.Contains("application.py"))
        {
            throw new PlatformDetectionException(
                "python bundle has no application.py (Beanstalk's default WSGIPath): add application.py with an 'application' WSGI callable, or a Procfile with a web: line");
        }

        var source = readSmallFile("application.py");
        if (source is not null && !ApplicationCallablePattern().IsMatch(source))
        {
            throw new PlatformDetectionException(
                "application.py defines no 'application' WSGI callable: define one, or add a Procfile with a web: line that starts your server");
        }

        return new DetectedPlatform(Python, PythonWsgiRunnerStartCommand, $"{marker}; WSGI callable application:application");
    }

    private static DetectedPlatform DetectDotnet(List<string> projects, Func<string, string?> readSmallFile)
    {
        if (projects.Count > 1)
        {
            throw new PlatformDetectionException(
                $"several project files at the bundle's root ({string.Join(", ", projects)}): keep one, or publish yourself and add a Procfile with a web: line");
        }

        var project = projects[0];
        var assemblyName = Path.GetFileNameWithoutExtension(project);
        var declared = readSmallFile(project) is { } xml ? AssemblyNamePattern().Match(xml) : Match.Empty;
        if (declared.Success && !declared.Groups["name"].Value.Contains('$'))
        {
            assemblyName = declared.Groups["name"].Value.Trim();
        }

        var dll = ShellQuote($"{DotnetPublishDirectory}/{assemblyName}.dll");
        return new DetectedPlatform(Dotnet, $"dotnet {dll} --urls http://127.0.0.1:$PORT", $"{project}; published to {DotnetPublishDirectory}");
    }

    private static string ShellQuote(string word) =>
        SafeShellWordPattern().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^\s*(def|class)\s+application\b|^\s*application\s*(:[^=\n]*)?=|^\s*(from\s+\S+\s+)?import\s.*\bapplication\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ApplicationCallablePattern();

    [GeneratedRegex(@"<AssemblyName>\s*(?<name>[^<]+?)\s*</AssemblyName>", RegexOptions.CultureInvariant)]
    private static partial Regex AssemblyNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./+-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeShellWordPattern();
}
