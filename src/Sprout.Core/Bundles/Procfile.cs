using System.Text.RegularExpressions;

namespace Sprout.Core.Bundles;

/// <summary>
/// A parsed Beanstalk <c>Procfile</c>: one <c>name: command</c> per line, names unique,
/// in file order. The <c>web</c> process is the one behind the load balancer.
/// </summary>
public sealed partial class Procfile
{
    public const string FileName = "Procfile";

    public const string WebProcessName = "web";

    private readonly Dictionary<string, string> _commands;

    private Procfile(IReadOnlyList<ProcfileEntry> entries)
    {
        Entries = entries;
        _commands = entries.ToDictionary(e => e.Name, e => e.Command, StringComparer.Ordinal);
    }

    /// <summary>The processes in file order.</summary>
    public IReadOnlyList<ProcfileEntry> Entries { get; }

    /// <summary>The <c>web</c> command, or null when the Procfile has none.</summary>
    public string? WebCommand => GetCommand(WebProcessName);

    public string? GetCommand(string processName) => _commands.GetValueOrDefault(processName);

    /// <summary>Parses a Procfile. Blank lines and <c>#</c> comments are ignored.</summary>
    /// <exception cref="ProcfileFormatException">A line does not match <c>name: command</c>, or a name repeats.</exception>
    public static Procfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<ProcfileEntry>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = EntryPattern().Match(line);
            if (!match.Success)
            {
                throw new ProcfileFormatException(
                    lineNumber,
                    $"Procfile line {lineNumber} is not '<name>: <command>' (name of letters, digits, '_' or '-'; command not empty): '{line}'");
            }

            var name = match.Groups["name"].Value;
            if (entries.Exists(e => e.Name == name))
            {
                throw new ProcfileFormatException(lineNumber, $"Procfile line {lineNumber} defines process '{name}' a second time");
            }

            entries.Add(new ProcfileEntry(name, match.Groups["command"].Value.TrimEnd()));
        }

        return new Procfile(entries);
    }

    // Beanstalk's documented grammar: ^[A-Za-z0-9_-]+:\s*[^\s].*$
    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_-]+):\s*(?<command>[^\s].*)$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryPattern();
}
