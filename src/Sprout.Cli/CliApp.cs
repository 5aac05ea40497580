using System.CommandLine;
using Sprout.Cli.Commands;

namespace Sprout.Cli;

/// <summary>The <c>sprout</c> command line, runnable in-process: <c>Program</c> calls it with the real console, tests with their own writers.</summary>
public static class CliApp
{
    public static RootCommand CreateRootCommand(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand("Sprout: a self-hosted Elastic Beanstalk. Ship an application with `sprout init`, `sprout create`, `sprout deploy`.");
        root.Subcommands.Add(ServerCommand.Create(context));
        root.Subcommands.Add(RouterCommand.Create(context));
        root.Subcommands.Add(InitCommand.Create(context));
        root.Subcommands.Add(CreateCommand.Create(context));
        root.Subcommands.Add(DeployCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(HealthCommand.Create(context));
        root.Subcommands.Add(EventsCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        root.Subcommands.Add(ListCommand.Create(context));
        root.Subcommands.Add(VersionsCommand.Create(context));
        root.Subcommands.Add(OpenCommand.Create(context));
        root.Subcommands.Add(SetenvCommand.Create(context));
        root.Subcommands.Add(PrintenvCommand.Create(context));
        root.Subcommands.Add(ScaleCommand.Create(context));
        root.Subcommands.Add(CloneCommand.Create(context));
        root.Subcommands.Add(SwapCommand.Create(context));
        root.Subcommands.Add(ShiftCommand.Create(context));
        root.Subcommands.Add(AbortCommand.Create(context));
        root.Subcommands.Add(TerminateCommand.Create(context));
        root.Subcommands.Add(ConfigCommand.Create(context));
        return root;
    }

    /// <summary>Runs one command line. Returns <see cref="ExitCodes"/>: 0 success, 1 failed operation, 2 usage error.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"sprout: {error.Message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"Run '{CommandPath(parseResult)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            // Program owns SIGINT/SIGTERM and cancels the token it passes in.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Expected failures were reported by the verb; this is a bug, so show everything.
            await context.Error.WriteLineAsync($"sprout: unexpected error: {ex}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("sprout: interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>The shape the lead's tests and tools asked for: plain writers, a working directory and an environment.</summary>
    /// <remarks>Prompts are never shown from here (stdin is treated as not a terminal).</remarks>
    public static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        string workingDirectory,
        IDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            WorkingDirectory = workingDirectory,
            Environment = new Dictionary<string, string?>(environment, StringComparer.Ordinal),
        };
        return RunAsync(args, context, cancellationToken);
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "sprout" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
