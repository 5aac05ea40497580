using System.CommandLine;
using Sprout.Cli.Flows;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout terminate [ENV] [--force]</c>: stop every instance and delete the environment, after confirmation.</summary>
internal static class TerminateCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional("Environment to terminate");
        var force = new Option<bool>("--force") { Description = "Do not ask for confirmation (required when stdin is not a terminal)." };
        var command = new Command("terminate", "Terminate an environment: stop its instances and remove it from the router. Versions are kept.");
        command.Arguments.Add(environment);
        command.Options.Add(force);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            if (!parseResult.GetValue(force))
            {
                if (!context.IsInputInteractive)
                {
                    throw new UsageException($"terminate asks to type the environment name, and stdin is not a terminal. Pass --force to terminate {name} without confirmation.");
                }

                await context.Error.WriteAsync($"Type the environment name ({name}) to terminate it: ").ConfigureAwait(false);
                var answer = await context.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (answer?.Trim() != name)
                {
                    context.Error.WriteLine("Not terminated: the name did not match.");
                    return ExitCodes.Failed;
                }
            }

            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var waiter = new EnvironmentWaiter(session);
            var mark = await waiter.MarkAsync(name, cancellationToken).ConfigureAwait(false);
            await session.Api.TerminateEnvironmentAsync(name, cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"Terminating {name} …");
            if (session.Config?.GetBranchEnvironment() == name)
            {
                await session.SaveDefaultEnvironmentAsync(null, cancellationToken).ConfigureAwait(false);
            }

            return parseResult.GetValue(wait.NoHang)
                ? await NoHang.FinishAsync(session, name, cancellationToken).ConfigureAwait(false)
                : await waiter.WaitForTerminatedAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
