using System.CommandLine;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout swap [ENV] --destination-name NAME</c>: blue/green, exchange two environments' CNAMEs at once.</summary>
internal static class SwapCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional("Environment whose CNAME moves to the destination");
        // The eb CLI's spellings work too, so Beanstalk habits carry over.
        var destination = new Option<string>("--destination-name", "--destination_name", "-n")
        {
            Description = "The environment to swap CNAMEs with (same application, both Ready).",
            Required = true,
        };
        var command = new Command("swap", "Swap the CNAMEs of two environments in one step (blue/green deployment): traffic moves at once, no request is dropped.");
        command.Arguments.Add(environment);
        command.Options.Add(destination);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var other = parseResult.GetValue(destination)!;
            if (string.Equals(name, other, StringComparison.Ordinal))
            {
                throw new UsageException($"{name} cannot swap CNAMEs with itself; name another environment with --destination-name.");
            }

            var result = await session.Api.SwapAsync(name, new SwapRequest(other), cancellationToken).ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(result);
                return ExitCodes.Success;
            }

            session.Output.Out.WriteLine($"Swapped CNAMEs of {result.Source.EnvironmentName} and {result.Destination.EnvironmentName}.");
            session.Output.Out.WriteLine($"  {result.Source.EnvironmentName}: {result.Source.EndpointUrl}");
            session.Output.Out.WriteLine($"  {result.Destination.EnvironmentName}: {result.Destination.EndpointUrl}");
            return ExitCodes.Success;
        });
        return command;
    }
}
