using System.CommandLine;

namespace Sprout.Cli.Commands;

/// <summary>Options every client verb takes: which application, and whether to answer in JSON.</summary>
internal sealed class CommonOptions
{
    public Option<string?> App { get; } = new("--app", "-a")
    {
        Description = "Application name (default: application_name in .sprout/config.yml).",
        HelpName = "APP",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write the result as JSON on stdout (progress goes to stderr).",
    };

    public static CommonOptions AddTo(Command command)
    {
        var options = new CommonOptions();
        command.Options.Add(options.App);
        command.Options.Add(options.Json);
        return options;
    }
}
