using System.Globalization;
using Sprout.Core.Api;
using Sprout.Core.Deployments;

namespace Sprout.Cli.Output;

/// <summary>
/// Text for a <see cref="DeploymentProgressDto"/>: the block <c>sprout deploy</c> redraws on a terminal (steps, batch,
/// capacity, instances, elapsed time), the plain lines it prints per step transition elsewhere, and the closing line
/// that names why a deployment failed. Pure, so tests render documents to strings.
/// </summary>
internal static class DeploymentProgressRenderer
{
    public const string Done = "✓";
    public const string Running = "▶";
    public const string Pending = "·";
    public const string Failed = "✗";
    public const string Skipped = "-";

    /// <summary>Beyond this many steps, finished ones are folded into one line so the block fits a terminal.</summary>
    private const int MaxStepLines = 14;

    public static string Symbol(DeploymentStepStatus status) => status switch
    {
        DeploymentStepStatus.Succeeded => Done,
        DeploymentStepStatus.Running => Running,
        DeploymentStepStatus.Failed => Failed,
        DeploymentStepStatus.Skipped => Skipped,
        _ => Pending,
    };

    /// <summary>The live block; every line is cut to <paramref name="width"/> characters so the redraw can count them.</summary>
    public static IReadOnlyList<string> Block(DeploymentProgressDto progress, int width = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var lines = new List<string>
        {
            $"Deployment {progress.DeploymentId} to {progress.EnvironmentName}: {progress.PreviousVersionLabel ?? "-"} → {progress.TargetVersionLabel}, {progress.Policy}, {PhaseText(progress)}, elapsed {FormatElapsed(Elapsed(progress))}",
            "  " + progress.Summary,
            "  " + StatusLine(progress),
        };
        foreach (var step in VisibleSteps(progress))
        {
            lines.Add(step);
        }

        lines.Add("");
        using (var table = new StringWriter(CultureInfo.InvariantCulture))
        {
            TablePrinter.Write(
                table,
                ["  instance-id", "version", "in service", "state", "health", "cause"],
                progress.Instances.Select(i => new[]
                {
                    "  " + i.InstanceId + (i.Launched ? " (new)" : ""),
                    i.VersionLabel,
                    i.InService ? "yes" : "no",
                    i.State.ToString(),
                    i.HealthStatus ?? "-",
                    i.Cause ?? "-",
                }));
            lines.AddRange(table.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0));
        }

        return [.. lines.Select(l => Fit(l, width))];
    }

    /// <summary>One line per step that started, finished or failed between <paramref name="before"/> and <paramref name="after"/> (all of them when there is no before).</summary>
    public static IReadOnlyList<string> Transitions(DeploymentProgressDto? before, DeploymentProgressDto after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var previous = before?.DeploymentId == after.DeploymentId
            ? before.Steps.ToDictionary(s => s.Index, s => s.Status)
            : [];
        var lines = new List<string>();
        if (before is null || before.DeploymentId != after.DeploymentId)
        {
            lines.Add($"Deployment {after.DeploymentId} to {after.EnvironmentName}: {after.Summary}");
        }

        if (after.Phase == DeploymentProgressPhase.Recovering && before?.Phase != DeploymentProgressPhase.Recovering)
        {
            lines.Add($"Recovering: {after.Steps.Count(s => s.Recovery)} recovery step(s) to run.");
        }

        foreach (var step in after.Steps)
        {
            var was = previous.TryGetValue(step.Index, out var status) ? status : DeploymentStepStatus.Pending;
            if (step.Status == was || step.Status is DeploymentStepStatus.Pending or DeploymentStepStatus.Skipped)
            {
                continue;
            }

            var label = $"{Symbol(step.Status)} {StepLabel(after, step)}";
            lines.Add(step.Status switch
            {
                DeploymentStepStatus.Running => $"{label}: {step.Description}",
                DeploymentStepStatus.Succeeded when was == DeploymentStepStatus.Running => $"{label} done{Took(step)}",
                DeploymentStepStatus.Succeeded => $"{label}: {step.Description} done{Took(step)}",
                _ => $"{label} failed{Took(step)}: {step.Detail ?? step.Description}",
            });
        }

        if (after.Outcome is { } outcome && before?.Outcome is null)
        {
            lines.Add($"Deployment {after.DeploymentId} finished: {outcome.Result} after {FormatElapsed(Elapsed(after))}. {StatusLine(after)}");
        }

        return lines;
    }

    /// <summary>One line for <c>sprout status</c>: where the deployment is, or how it ended.</summary>
    public static string Summary(DeploymentProgressDto progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var where = progress.Steps.FirstOrDefault(s => s.Index == progress.CurrentStepIndex) is { } current
            ? $", at {StepLabel(progress, current)}"
            : "";
        return $"{progress.DeploymentId} ({progress.Policy}, {progress.PreviousVersionLabel ?? "-"} → {progress.TargetVersionLabel}) {PhaseText(progress)}{where}, elapsed {FormatElapsed(Elapsed(progress))}; {StatusLine(progress)}";
    }

    /// <summary>The closing line of a failed deployment: which step failed and why (the outcome's words when no step is to blame).</summary>
    public static string Cause(DeploymentProgressDto progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Failure is { } failure)
        {
            var step = progress.Steps.FirstOrDefault(s => s.Index == failure.StepIndex);
            var where = step is null ? $"step {failure.StepIndex + 1}" : StepLabel(progress, step);
            return $"sprout: cause: {where} ({failure.Description.TrimEnd('.')}) failed: {failure.Detail}";
        }

        return $"sprout: cause: {progress.Outcome?.Message ?? "the deployment did not finish."}";
    }

    public static TimeSpan Elapsed(DeploymentProgressDto progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return progress.StartedAt is { } started && (progress.EndedAt ?? progress.AsOf) - started is { } elapsed && elapsed > TimeSpan.Zero
            ? elapsed
            : TimeSpan.Zero;
    }

    public static string FormatElapsed(TimeSpan elapsed) =>
        elapsed.TotalHours >= 1
            ? elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : elapsed.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string PhaseText(DeploymentProgressDto progress) => progress.Phase switch
    {
        DeploymentProgressPhase.Finished when progress.HasFailed => $"FAILED ({progress.Outcome!.Result})",
        DeploymentProgressPhase.Finished => "succeeded",
        DeploymentProgressPhase.Recovering => "recovering after a failure",
        _ => "in progress",
    };

    private static string StatusLine(DeploymentProgressDto progress)
    {
        var parts = new List<string>();
        if (progress.Batch is { } batch)
        {
            parts.Add(batch.Number == 0
                ? $"batch -/{batch.Count}"
                : $"batch {batch.Number}/{batch.Count} ({batch.Completed} done)");
        }

        var capacity = progress.Capacity;
        parts.Add($"in service {capacity.InService}/{capacity.Instances} (plan keeps at least {capacity.MinimumInService})");
        var planned = progress.Steps.Where(s => !s.Recovery).ToList();
        parts.Add($"steps {planned.Count(s => s.Status == DeploymentStepStatus.Succeeded)}/{planned.Count} done");
        return string.Join(", ", parts);
    }

    private static IEnumerable<string> VisibleSteps(DeploymentProgressDto progress)
    {
        var steps = progress.Steps;
        var folded = 0;
        if (steps.Count > MaxStepLines)
        {
            // Keep the last two finished steps in view for context; everything before them is one line.
            var firstOpen = steps.TakeWhile(s => s.Status == DeploymentStepStatus.Succeeded).Count();
            folded = Math.Max(0, Math.Min(firstOpen - 2, steps.Count - MaxStepLines));
            folded = folded < 2 ? 0 : folded;
        }

        if (folded > 0)
        {
            yield return $"  {Done} steps 1–{folded} done";
        }

        var shown = steps.Skip(folded).ToList();
        var hidden = shown.Count > MaxStepLines ? shown.Count - MaxStepLines + 1 : 0;
        foreach (var step in shown.Take(shown.Count - hidden))
        {
            var took = step.Status == DeploymentStepStatus.Running && step.StartedAt is { } started
                ? string.Create(CultureInfo.InvariantCulture, $" ({Math.Max(0, (progress.AsOf - started).TotalSeconds):0} s so far)")
                : Took(step);
            yield return $"  {Symbol(step.Status)} {StepLabel(progress, step)}: {step.Description}{took}";
            if (step.Status == DeploymentStepStatus.Failed && step.Detail is not null)
            {
                yield return $"      {step.Detail}";
            }
        }

        if (hidden > 0)
        {
            yield return $"  {Pending} … {hidden} more step(s)";
        }
    }

    private static string StepLabel(DeploymentProgressDto progress, DeploymentStepDto step)
    {
        var planned = progress.Steps.Count(s => !s.Recovery);
        var label = step.Recovery
            ? $"recovery step {step.Index - planned + 1}/{progress.Steps.Count - planned}"
            : $"step {step.Index + 1}/{planned}";
        return step.Batch is { } batch && progress.Batch is { } batches ? $"{label} [batch {batch}/{batches.Count}]" : label;
    }

    private static string Took(DeploymentStepDto step) =>
        step.StartedAt is { } started && step.EndedAt is { } ended
            ? string.Create(CultureInfo.InvariantCulture, $" ({(ended - started).TotalSeconds:0.0} s)")
            : "";

    private static string Fit(string line, int width) =>
        width <= 1 || line.Length < width ? line : line[..(width - 2)] + "…";
}
