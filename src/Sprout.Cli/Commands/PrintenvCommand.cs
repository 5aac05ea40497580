using System.CommandLine;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout printenv [ENV]</c>: the environment properties the app sees as environment variables.</summary>
internal static class PrintenvCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var command = new Command("printenv", "Print the environment properties (the app's environment variables).");
        command.Arguments.Add(environment);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var configuration = await session.Api.GetConfigurationAsync(name, cancellationToken).ConfigureAwait(false);
            var properties = configuration.OptionSettings
                .Where(o => o.Namespace == EnvironmentProperties.Namespace && o.ResourceName is null)
                .OrderBy(o => o.OptionName, StringComparer.Ordinal)
                .ToList();
            if (session.Output.Json)
            {
                var map = new SortedDictionary<string, string?>(StringComparer.Ordinal);
                foreach (var property in properties)
                {
                    map[property.OptionName] = property.Value;
                }

                session.Output.WriteJson(map);
                return ExitCodes.Success;
            }

            var output = session.Output.Out;
            output.WriteLine(" Environment Variables:");
            foreach (var property in properties)
            {
                output.WriteLine($"     {property.OptionName} = {property.Value}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
