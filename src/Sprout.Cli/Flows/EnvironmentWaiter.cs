using Sprout.Cli.Commands;
using Sprout.Cli.Http;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Cli.Flows;

/// <summary>
/// Follows a mutating operation (create, deploy, configuration update, scale, terminate) to its end and turns
/// the result into an exit code: 0 when the environment is Ready and not Red, 1 when the operation failed,
/// the environment is Red or gone, or the wait timed out.
/// </summary>
internal sealed class EnvironmentWaiter(ClientSession session)
{
    /// <summary>Right after an operation the health may still be Grey (not judged yet); give the server this long to decide.</summary>
    private static readonly TimeSpan HealthVerdictWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromSeconds(1);

    private EventFollower Follower => new(session.Api, session.Output.Progress, session.Time);

    /// <summary>Call before sending the request, so that following shows only what the request caused.</summary>
    public Task<long> MarkAsync(string environment, CancellationToken cancellationToken) =>
        Follower.GetLatestEventIdAsync(session.ApplicationOrDefault, environment, cancellationToken);

    public async Task<int> WaitForReadyAsync(string environment, long afterEventId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var result = await Follower.FollowAsync(
            session.ApplicationOrDefault,
            environment,
            afterEventId,
            current => current is null || current.Status is EnvironmentStatus.Ready or EnvironmentStatus.Terminated,
            deadline,
            cancellationToken).ConfigureAwait(false);
        return await ConcludeReadyAsync(environment, result, jsonDocument: null, deadline, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The exit code once following stopped: waits for a health verdict, then reports a timeout, a failure event or
    /// Red health. Under --json, prints <paramref name="jsonDocument"/> when given, else the environment.
    /// </summary>
    public async Task<int> ConcludeReadyAsync(string environment, FollowResult result, object? jsonDocument, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var error = session.Output.Error;
        void WriteResult(EnvironmentDto? current)
        {
            if (session.Output.Json && (jsonDocument ?? current) is { } document)
            {
                session.Output.WriteJson(document);
            }
        }

        if (result.TimedOut)
        {
            WriteResult(result.Environment);
            error.WriteLine($"sprout: timed out waiting for {environment} to become Ready (it is {result.Environment?.Status.ToString() ?? "unknown"}). "
                + $"The operation continues on the server; follow it with `sprout events {environment} -f`.");
            return ExitCodes.Failed;
        }

        if (result.Environment is not { Status: not EnvironmentStatus.Terminated } current)
        {
            WriteResult(result.Environment);
            error.WriteLine($"sprout: environment {environment} was terminated{(result.Failure is null ? "." : $": {result.Failure.Message}")}");
            return ExitCodes.Failed;
        }

        current = await WaitForHealthVerdictAsync(current, deadline, cancellationToken).ConfigureAwait(false);
        WriteResult(current);
        if (result.Failure is not null)
        {
            error.WriteLine($"sprout: the operation on {environment} failed: {result.Failure.Message}");
            await WriteCausesAsync(environment, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        if (current.Health == HealthColor.Red)
        {
            error.WriteLine($"sprout: {environment} is Ready but its health is Red ({current.HealthStatus}).");
            await WriteCausesAsync(environment, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        session.Output.Progress.WriteLine($"Environment {environment} is Ready, health {current.Health} ({current.HealthStatus}), version {current.VersionLabel ?? "-"}.");
        return ExitCodes.Success;
    }

    public async Task<int> WaitForTerminatedAsync(string environment, long afterEventId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var result = await Follower.FollowAsync(
            session.ApplicationOrDefault,
            environment,
            afterEventId,
            current => current is null || current.Status == EnvironmentStatus.Terminated,
            deadline,
            cancellationToken).ConfigureAwait(false);
        WriteJsonResult(result.Environment);
        if (result.TimedOut)
        {
            session.Output.Error.WriteLine($"sprout: timed out waiting for {environment} to terminate (it is {result.Environment?.Status.ToString() ?? "unknown"}). "
                + $"Follow it with `sprout events {environment} -f`.");
            return ExitCodes.Failed;
        }

        session.Output.Progress.WriteLine($"Environment {environment} terminated.");
        return ExitCodes.Success;
    }

    private async Task<EnvironmentDto> WaitForHealthVerdictAsync(EnvironmentDto current, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var giveUpAt = session.Time.GetUtcNow() + HealthVerdictWait;
        if (giveUpAt > deadline)
        {
            giveUpAt = deadline;
        }

        while (current.Health == HealthColor.Grey && session.Time.GetUtcNow() < giveUpAt)
        {
            await Task.Delay(HealthPollInterval, session.Time, cancellationToken).ConfigureAwait(false);
            current = await session.Api.GetEnvironmentAsync(current.EnvironmentName, cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    private async Task WriteCausesAsync(string environment, CancellationToken cancellationToken)
    {
        EnvironmentHealthDto health;
        try
        {
            health = await session.Api.GetHealthAsync(environment, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException)
        {
            return;
        }

        var error = session.Output.Error;
        foreach (var cause in health.Causes)
        {
            error.WriteLine($"  cause: {cause}");
        }

        foreach (var instance in health.Instances.Where(i => i.Causes.Count > 0))
        {
            error.WriteLine($"  {instance.InstanceId} ({instance.State}, {instance.HealthStatus}): {string.Join("; ", instance.Causes)}");
        }

        error.WriteLine($"See the logs with `sprout logs {environment}` and the events with `sprout events {environment}`.");
    }

    private void WriteJsonResult(EnvironmentDto? environment)
    {
        if (session.Output.Json && environment is not null)
        {
            session.Output.WriteJson(environment);
        }
    }
}
