using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout events [ENV] [-f]</c>: the environment's recent events, optionally followed live.</summary>
internal static class EventsCommand
{
    private static readonly TimeSpan FollowWait = TimeSpan.FromSeconds(20);

    private const int PageSize = 500;

    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they happen, until Ctrl-C." };
        var limit = new Option<int>("--limit", "-n")
        {
            Description = "How many of the most recent events to show first.",
            HelpName = "N",
            DefaultValueFactory = _ => 50,
        };
        Validation.Require(limit, value => value is >= 1 and <= 10000, "--limit must be between 1 and 10000.");
        var command = new Command("events", "Show an environment's recent events (deployments, health changes, failures).");
        command.Arguments.Add(environment);
        command.Options.Add(follow);
        command.Options.Add(limit);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var following = parseResult.GetValue(follow);
            var recent = await ReadRecentAsync(session, name, parseResult.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (session.Output.Json && !following)
            {
                session.Output.WriteJson(recent);
                return ExitCodes.Success;
            }

            foreach (var item in recent)
            {
                Write(session, item);
            }

            if (!following)
            {
                return ExitCodes.Success;
            }

            var lastId = recent.Count == 0 ? 0 : recent[^1].Id;
            try
            {
                while (true)
                {
                    var events = await session.Api.GetEventsAsync(session.ApplicationOrDefault, name, lastId, PageSize, FollowWait, cancellationToken).ConfigureAwait(false);
                    foreach (var item in events.Where(e => e.Id > lastId).OrderBy(e => e.Id))
                    {
                        Write(session, item);
                        lastId = item.Id;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C is how following ends.
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>The newest <paramref name="count"/> events, oldest first, paging forward so it works whichever end the server's limit keeps.</summary>
    private static async Task<IReadOnlyList<EventDto>> ReadRecentAsync(ClientSession session, string environment, int count, CancellationToken cancellationToken)
    {
        var recent = new Queue<EventDto>();
        long lastId = 0;
        while (true)
        {
            var pageStart = lastId;
            var page = await session.Api.GetEventsAsync(session.ApplicationOrDefault, environment, lastId, PageSize, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Where(e => e.Id > lastId).OrderBy(e => e.Id))
            {
                recent.Enqueue(item);
                lastId = item.Id;
                if (recent.Count > count)
                {
                    recent.Dequeue();
                }
            }

            if (page.Count < PageSize || lastId == pageStart)
            {
                return [.. recent];
            }
        }
    }

    private static void Write(ClientSession session, EventDto item)
    {
        if (session.Output.Json)
        {
            session.Output.WriteJsonLine(item);
        }
        else
        {
            EventFollower.Write(session.Output.Out, item);
        }
    }
}
