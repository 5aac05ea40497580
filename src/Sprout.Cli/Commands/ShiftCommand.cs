using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;
using Sprout.Core.Deployments;

namespace Sprout.Cli.Commands;

/// <summary>
/// <c>sprout shift [ENV] --to OTHER --steps SCHEDULE</c>: move ENV's CNAME to OTHER in weighted steps (Route 53 weighted
/// records); at 100 % the CNAMEs are exchanged as <c>sprout swap</c> does, on a failure all traffic goes back to ENV.
/// </summary>
internal static class ShiftCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional("Environment whose CNAME moves to the other one");
        var destination = new Option<string>("--to", "--destination-name", "-n")
        {
            Description = "The environment that takes the CNAME over (same application, both Ready).",
            Required = true,
        };
        var steps = new Option<string>("--steps")
        {
            Description = "Traffic schedule: '10%:30s,50%:30s,100%' (each share held for its duration) or '+25%:30s' (linear).",
            HelpName = "SCHEDULE",
            Required = true,
        };
        var analyze = new Option<bool>("--analyze")
        {
            Description = "After every hold, compare the two environments' 5xx rate and p99 latency (sprout:deployment:canary thresholds of ENV) and shift back on a regression.",
        };
        var command = new Command("shift",
            "Shift an environment's CNAME to another environment step by step (weighted, like Route 53 weighted records). "
            + "Each step sends a share of ENV's hostname to OTHER's instances and holds it; at 100 % the CNAMEs are exchanged, as `sprout swap` does. "
            + "A failed health check, a failed analysis (--analyze) or `sprout abort ENV` sends all traffic back to ENV.");
        command.Arguments.Add(environment);
        command.Options.Add(destination);
        command.Options.Add(steps);
        command.Options.Add(analyze);
        var wait = WaitOptions.AddTo(command);
        wait.NoHang.Aliases.Add("--no-wait");
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var other = parseResult.GetValue(destination)!;
            if (string.Equals(name, other, StringComparison.Ordinal))
            {
                throw new UsageException($"{name} cannot shift its CNAME to itself; name another environment with --to.");
            }

            if (!TrafficSchedule.TryParse(parseResult.GetValue(steps), out var schedule, out var problem))
            {
                throw new UsageException($"--steps: {problem}");
            }

            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var waiter = new EnvironmentWaiter(session);
            var mark = await waiter.MarkAsync(name, cancellationToken).ConfigureAwait(false);
            var begun = await session.Api.ShiftAsync(name, new ShiftRequest(other, schedule.ToString(), parseResult.GetValue(analyze)), cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"Shifting {begun.Source.EnvironmentName}'s CNAME ({begun.Source.Cname}) to {begun.Destination.EnvironmentName}: {begun.Steps} …");
            if (parseResult.GetValue(wait.NoHang))
            {
                return await NoHang.FinishAsync(session, name, cancellationToken).ConfigureAwait(false);
            }

            var exitCode = await waiter.WaitForReadyAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
            if (exitCode == ExitCodes.Success)
            {
                var source = await session.Api.GetEnvironmentAsync(name, cancellationToken).ConfigureAwait(false);
                var target = await session.Api.GetEnvironmentAsync(other, cancellationToken).ConfigureAwait(false);
                session.Output.Progress.WriteLine($"  {target.EnvironmentName}: {target.EndpointUrl}");
                session.Output.Progress.WriteLine($"  {source.EnvironmentName}: {source.EndpointUrl}");
            }

            return exitCode;
        });
        return command;
    }
}
