using System.CommandLine;
using Sprout.Cli.Output;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout health [ENV]</c>: the environment's health and a table of its instances.</summary>
internal static class HealthCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var command = new Command("health", "Show an environment's health colour, its causes, and each instance's state and health.");
        command.Arguments.Add(environment);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var health = await session.Api.GetHealthAsync(name, cancellationToken).ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(health);
                return ExitCodes.Success;
            }

            var output = session.Output.Out;
            output.WriteLine($"{health.EnvironmentName}  {health.Status}  {health.Color}  {health.HealthStatus}  (as of {CliOutput.FormatTime(health.RefreshedAt)})");
            foreach (var cause in health.Causes)
            {
                output.WriteLine($"  cause: {cause}");
            }

            output.WriteLine();
            TablePrinter.Write(
                output,
                ["instance-id", "state", "health", "port", "restarts", "version", "launched", "causes"],
                health.Instances.Select(i => new[]
                {
                    i.InstanceId,
                    i.State.ToString(),
                    i.HealthStatus,
                    i.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    i.Restarts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    i.VersionLabel,
                    CliOutput.FormatTime(i.LaunchedAt),
                    i.Causes.Count == 0 ? "-" : string.Join("; ", i.Causes),
                }));
            return ExitCodes.Success;
        });
        return command;
    }
}
