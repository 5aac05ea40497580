using System.CommandLine;
using Sprout.Cli.Output;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout config get|set</c>: read or change an environment's option settings (Beanstalk namespaces and names).</summary>
internal static class ConfigCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("config", "Read or change an environment's option settings, e.g. `sprout config set myapp-dev aws:autoscaling:asg MinSize=2`.");
        command.Subcommands.Add(CreateGet(context));
        command.Subcommands.Add(CreateSet(context));
        return command;
    }

    private static Command CreateGet(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var ns = new Option<string?>("--namespace")
        {
            Description = "Only options of this namespace (e.g. aws:autoscaling:asg).",
            HelpName = "NAMESPACE",
        };
        var command = new Command("get", "Show the effective option settings: namespace, option, value and where the value comes from.");
        command.Arguments.Add(environment);
        command.Options.Add(ns);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var configuration = await session.Api.GetConfigurationAsync(name, cancellationToken).ConfigureAwait(false);
            var filter = parseResult.GetValue(ns);
            var options = configuration.OptionSettings
                .Where(o => filter is null || o.Namespace == filter)
                .OrderBy(o => o.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.ResourceName, StringComparer.Ordinal)
                .ThenBy(o => o.OptionName, StringComparer.Ordinal)
                .ToList();
            if (session.Output.Json)
            {
                session.Output.WriteJson(configuration with { OptionSettings = options });
                return ExitCodes.Success;
            }

            TablePrinter.Write(
                session.Output.Out,
                ["namespace", "option", "value", "source"],
                options.Select(o => new[]
                {
                    o.ResourceName is null ? o.Namespace : $"{o.ResourceName}.{o.Namespace}",
                    o.OptionName,
                    o.Value,
                    o.Source,
                }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateSet(CliContext context)
    {
        var environment = new Argument<string>("ENV") { Description = "Environment to update." };
        var ns = new Argument<string>("NAMESPACE") { Description = "Option namespace, e.g. aws:autoscaling:asg or aws:elasticbeanstalk:command." };
        var assignments = new Argument<string[]>("OPTION=VALUE")
        {
            Description = "Options to set in NAMESPACE; OPTION= (empty value) removes the option so its default applies again.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("set", "Change option settings of an environment and wait until the update finished.");
        command.Arguments.Add(environment);
        command.Arguments.Add(ns);
        command.Arguments.Add(assignments);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var optionNamespace = parseResult.GetRequiredValue(ns);
            if (!optionNamespace.Contains(':', StringComparison.Ordinal))
            {
                throw new UsageException($"'{optionNamespace}' does not look like an option namespace (e.g. aws:autoscaling:asg).");
            }

            var (set, remove) = EnvironmentProperties.ParseAssignments(parseResult.GetRequiredValue(assignments), optionNamespace);
            var request = new UpdateConfigurationRequest(set.Count == 0 ? null : set, remove.Count == 0 ? null : remove);
            return await ConfigurationUpdate.RunAsync(session, parseResult.GetRequiredValue(environment), request, wait, parseResult, cancellationToken)
                .ConfigureAwait(false);
        });
        return command;
    }
}
