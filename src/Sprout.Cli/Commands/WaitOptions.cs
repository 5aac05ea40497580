using System.CommandLine;

namespace Sprout.Cli.Commands;

/// <summary>How long a mutating verb follows the operation it started (EB CLI's --timeout and --nohang).</summary>
internal sealed class WaitOptions
{
    public Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Minutes to wait for the operation to finish before giving up (it keeps running on the server).",
        HelpName = "MINUTES",
        DefaultValueFactory = _ => 10,
    };

    public Option<bool> NoHang { get; } = new("--nohang")
    {
        Description = "Return as soon as the server accepted the request, without following events.",
    };

    public static WaitOptions AddTo(Command command)
    {
        var options = new WaitOptions();
        Validation.Require(options.Timeout, value => value > 0, "--timeout must be a positive number of minutes.");
        command.Options.Add(options.Timeout);
        command.Options.Add(options.NoHang);
        return options;
    }

    public DateTimeOffset DeadlineFrom(ParseResult parseResult, TimeProvider time) =>
        time.GetUtcNow().AddMinutes(parseResult.GetValue(Timeout));
}
