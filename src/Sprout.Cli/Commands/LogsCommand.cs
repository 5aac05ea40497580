using System.CommandLine;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout logs [ENV]</c>: the tail of each instance's stdout/stderr, everything kept (--all), or a live stream.</summary>
internal static class LogsCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var all = new Option<bool>("--all") { Description = "Every line the server kept, not just the tail." };
        var lines = new Option<int>("--lines")
        {
            Description = "How many of the last lines to show per instance and stream.",
            HelpName = "N",
            DefaultValueFactory = _ => 100,
        };
        var stream = new Option<bool>("--stream") { Description = "Print new lines as the instances write them, until Ctrl-C." };
        var instance = new Option<string?>("--instance", "-i")
        {
            Description = "Only this instance (an id such as i-0a1b2c3d4e5f6a7b8).",
            HelpName = "ID",
        };
        Validation.Require(lines, value => value >= 1, "--lines must be at least 1.");
        var command = new Command("logs", "Show the logs of an environment's instances.");
        command.Arguments.Add(environment);
        foreach (var option in new Option[] { all, lines, stream, instance })
        {
            command.Options.Add(option);
        }

        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var instanceId = parseResult.GetValue(instance);
            if (parseResult.GetValue(stream))
            {
                return await StreamAsync(session, name, instanceId, cancellationToken).ConfigureAwait(false);
            }

            int? count = parseResult.GetValue(all) ? null : parseResult.GetValue(lines);
            var logs = await session.Api.GetLogsAsync(name, count, instanceId, cancellationToken).ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(logs);
                return ExitCodes.Success;
            }

            var output = session.Output.Out;
            if (logs.Logs.Count == 0)
            {
                session.Output.Error.WriteLine($"No logs: {name} has no instances{(instanceId is null ? string.Empty : $" with id {instanceId}")}.");
            }

            foreach (var log in logs.Logs)
            {
                output.WriteLine($"==> {log.InstanceId} ({log.Stream}) <==");
                foreach (var line in log.Lines)
                {
                    output.WriteLine(line);
                }

                output.WriteLine();
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> StreamAsync(ClientSession session, string environment, string? instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in session.Api.StreamLogsAsync(environment, instanceId, cancellationToken).ConfigureAwait(false))
            {
                if (session.Output.Json)
                {
                    session.Output.WriteJsonLine(ParseStreamLine(line));
                }
                else
                {
                    session.Output.Out.WriteLine(line);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how streaming ends.
        }

        return ExitCodes.Success;
    }

    /// <summary>"i-xxx | stdout | text" → its parts; a line of another shape is kept whole as the text.</summary>
    internal static StreamedLine ParseStreamLine(string line)
    {
        var parts = line.Split(" | ", 3);
        return parts.Length == 3 ? new StreamedLine(parts[0], parts[1], parts[2]) : new StreamedLine(null, null, line);
    }

    internal sealed record StreamedLine(string? InstanceId, string? Stream, string Line);
}
