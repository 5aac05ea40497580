using System.CommandLine;
using System.Diagnostics;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout open [ENV]</c>: print the environment's URL, and open it in a browser when there is a desktop to show it.</summary>
internal static class OpenCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var command = new Command("open", "Print the environment's URL (and open it with xdg-open on a desktop terminal).");
        command.Arguments.Add(environment);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var env = await session.Api.GetEnvironmentAsync(name, cancellationToken).ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(new { env.EnvironmentName, Url = env.EndpointUrl });
                return ExitCodes.Success;
            }

            session.Output.Out.WriteLine(env.EndpointUrl);
            if (context.IsInputInteractive && context.IsOutputInteractive && context.GetEnvironmentVariable("DISPLAY") is not null)
            {
                TryOpenBrowser(env.EndpointUrl, session.Output.Error);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void TryOpenBrowser(string url, TextWriter error)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("xdg-open", [url]) { UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            // No xdg-open: the URL is printed, which is all a terminal-only machine can use anyway.
            error.WriteLine($"(could not start xdg-open: {ex.Message})");
        }
    }
}
