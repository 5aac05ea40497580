using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout setenv K=V [K2= …] [-e ENV]</c>: set or remove environment properties; waits for the update like deploy.</summary>
internal static class SetenvCommand
{
    public static Command Create(CliContext context)
    {
        var assignments = new Argument<string[]>("NAME=VALUE")
        {
            Description = "Properties to set; NAME= (empty value) removes NAME.",
            Arity = ArgumentArity.OneOrMore,
        };
        var environment = new Option<string?>("--environment", "-e")
        {
            Description = "Environment to update. Default: the project's default environment.",
            HelpName = "ENV",
        };
        var command = new Command("setenv", "Set or remove environment properties (the app's environment variables) and restart the app with them.");
        command.Arguments.Add(assignments);
        command.Options.Add(environment);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var (set, remove) = EnvironmentProperties.ParseAssignments(parseResult.GetRequiredValue(assignments));
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var request = new UpdateConfigurationRequest(set.Count == 0 ? null : set, remove.Count == 0 ? null : remove);
            return await ConfigurationUpdate.RunAsync(session, name, request, wait, parseResult, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
