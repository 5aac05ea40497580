using Sprout.Cli.Output;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using static Sprout.Integration.Tests.Cli.ProgressDocuments;

namespace Sprout.Integration.Tests.Cli;

/// <summary>What <c>sprout deploy</c> draws for a given progress document.</summary>
public sealed class DeploymentProgressRendererTests
{
    [Fact]
    public void Block_SecondBatchRunning_ShowsStepSymbolsBatchCapacityInstancesAndElapsed()
    {
        var state = Succeed(Rolling(), 5);
        state = state.Started(5, T0.AddSeconds(5));
        var progress = Describe(state, 3, 42,
            new DeploymentInstanceView("i-1", "v2", InstanceState.InService, DeploymentGroups.Main, "Ok"),
            new DeploymentInstanceView("i-2", "v2", InstanceState.InService, DeploymentGroups.Main, "Ok"),
            new DeploymentInstanceView("i-3", "v1", InstanceState.Draining, null, "Ok"),
            new DeploymentInstanceView("i-4", "v1", InstanceState.Draining, null, "Ok"));

        var block = string.Join('\n', DeploymentProgressRenderer.Block(progress));

        Assert.Contains("Deployment 3 to web-env: v1 → v2, Rolling, in progress, elapsed 0:42", block, StringComparison.Ordinal);
        Assert.Contains("batch 2/2 (1 done), in service 2/4 (plan keeps at least 2), steps 5/8 done", block, StringComparison.Ordinal);
        Assert.Contains("✓ step 1/8 [batch 1/2]: Batch 1: Taking instance(s) [i-1, i-2] out of service", block, StringComparison.Ordinal);
        Assert.Contains("✓ step 5/8 [batch 2/2]: Batch 2: Taking instance(s) [i-3, i-4]", block, StringComparison.Ordinal);
        Assert.Contains("▶ step 6/8 [batch 2/2]: Deploying new version to instance(s) i-3, i-4 (batch 2 of 2). (37 s so far)", block, StringComparison.Ordinal);
        Assert.Contains("· step 8/8 [batch 2/2]: Batch 2: Completed application deployment", block, StringComparison.Ordinal);
        var table = block.Split('\n').SkipWhile(l => !l.Contains("instance-id", StringComparison.Ordinal)).ToList();
        Assert.Equal(["instance-id", "version", "in", "service", "state", "health", "cause"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["i-1", "v2", "yes", "InService", "Ok", "-"], table[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["i-3", "v1", "no", "Draining", "Ok", "-"], table[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Block_FailedStep_ShowsTheCrossTheDetailAndSkippedSteps()
    {
        var progress = Describe(FailNext(Succeed(Rolling(), 2)));

        var lines = DeploymentProgressRenderer.Block(progress);

        Assert.Contains(lines, l => l.StartsWith("Deployment 3 to web-env: v1 → v2, Rolling, FAILED (Failed)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  ✗ step 3/8 [batch 1/2]: Batch 1: Waiting for instance(s) [i-1, i-2] to pass health checks", StringComparison.Ordinal));
        Assert.Contains("      " + HealthDetail, lines);
        Assert.Contains(lines, l => l.StartsWith("  - step 4/8 [batch 1/2]", StringComparison.Ordinal));
    }

    [Fact]
    public void Block_NarrowTerminal_CutsEveryLineBelowTheWidth()
    {
        var lines = DeploymentProgressRenderer.Block(Describe(Succeed(Rolling(), 2)), width: 40);

        Assert.All(lines, l => Assert.True(l.Length < 40, l));
        Assert.Contains(lines, l => l.EndsWith('…'));
    }

    [Fact]
    public void Block_LongPlan_FoldsFinishedStepsAndCutsPendingOnesSoTheBlockFitsAScreen()
    {
        var late = DeploymentProgressRenderer.Block(Describe(Succeed(Rolling(instances: 12), 14)));
        var early = DeploymentProgressRenderer.Block(Describe(Succeed(Rolling(instances: 12), 3)));

        Assert.Contains("  ✓ steps 1–10 done", late);
        Assert.Contains(late, l => l.StartsWith("  ✓ step 11/24", StringComparison.Ordinal));
        Assert.Contains(late, l => l.StartsWith("  · step 24/24", StringComparison.Ordinal));
        Assert.Contains(early, l => l.StartsWith("  ✓ step 1/24", StringComparison.Ordinal));
        Assert.Contains("  · … 11 more step(s)", early);
        Assert.All(new[] { late, early }, lines => Assert.True(lines.Count(l => l.StartsWith("  ✓", StringComparison.Ordinal) || l.StartsWith("  ·", StringComparison.Ordinal)) <= 15, string.Join('\n', lines)));
    }

    [Fact]
    public void Transitions_FromNothing_PrintTheHeaderAndEveryStepThatMoved()
    {
        var state = Succeed(Rolling(), 1).Started(1, T0.AddSeconds(1));

        var lines = DeploymentProgressRenderer.Transitions(null, Describe(state));

        Assert.Equal(3, lines.Count);
        Assert.StartsWith("Deployment 3 to web-env: Rolling deployment of v2 to 4 instance(s) in 2 batch(es) of 2", lines[0], StringComparison.Ordinal);
        Assert.Equal("✓ step 1/8 [batch 1/2]: Batch 1: Taking instance(s) [i-1, i-2] out of service (in-flight requests get up to 20 s to finish). done (1.0 s)", lines[1]);
        Assert.Equal("▶ step 2/8 [batch 1/2]: Deploying new version to instance(s) i-1, i-2 (batch 1 of 2).", lines[2]);
    }

    [Fact]
    public void Transitions_BetweenTwoReads_PrintOnlyWhatChanged_AndTheEnd()
    {
        var before = Succeed(Rolling(), 1).Started(1, T0.AddSeconds(1));
        var after = FailNext(Succeed(Rolling(), 2));

        var lines = DeploymentProgressRenderer.Transitions(Describe(before), Describe(after));

        Assert.Equal("✓ step 2/8 [batch 1/2] done (1.0 s)", lines[0]);
        Assert.Equal($"✗ step 3/8 [batch 1/2] failed (4.0 s): {HealthDetail}", lines[1]);
        Assert.StartsWith("Deployment 3 finished: Failed after 0:06.", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Count);
        Assert.Empty(DeploymentProgressRenderer.Transitions(Describe(after), Describe(after)));
    }

    [Fact]
    public void Cause_NamesTheFailedStepAndItsFailureMessage()
    {
        var cause = DeploymentProgressRenderer.Cause(Describe(FailNext(Succeed(Rolling(), 2))));

        Assert.Equal(
            $"sprout: cause: step 3/8 [batch 1/2] (Batch 1: Waiting for instance(s) [i-1, i-2] to pass health checks (up to 600 s)) failed: {HealthDetail}",
            cause);
    }
}
