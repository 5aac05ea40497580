using Sprout.Server;

namespace Sprout.Cli;

/// <summary>
/// Everything one run of the CLI may touch outside itself: the console, the working directory and the environment
/// variables. Tests build one by hand; <see cref="FromProcess"/> builds the real one.
/// </summary>
public sealed record CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>True when a person can answer a prompt (stdin is a terminal).</summary>
    public bool IsInputInteractive { get; init; }

    /// <summary>True when stdout is a terminal, e.g. to decide whether opening a browser makes sense.</summary>
    public bool IsOutputInteractive { get; init; }

    public required string WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>What <c>sprout server</c> runs; <see cref="ServerHost.RunAsync"/> unless a test puts a probe here.</summary>
    public Func<ServerOptions, CancellationToken, Task<int>> RunServer { get; init; } = ServerHost.RunAsync;

    public string? GetEnvironmentVariable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The user's home: <c>HOME</c> from <see cref="Environment"/>, else the OS profile folder.</summary>
    public string HomeDirectory =>
        GetEnvironmentVariable("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    public static CliContext FromProcess()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return new CliContext
        {
            Out = Console.Out,
            Error = Console.Error,
            In = Console.In,
            IsInputInteractive = !Console.IsInputRedirected,
            IsOutputInteractive = !Console.IsOutputRedirected,
            WorkingDirectory = System.Environment.CurrentDirectory,
            Environment = variables,
        };
    }
}
