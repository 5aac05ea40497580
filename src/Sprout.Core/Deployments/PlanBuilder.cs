using System.Globalization;

namespace Sprout.Core.Deployments;

/// <summary>Collects steps, numbering them from <see cref="_firstIndex"/>, with the event texts the policies share.</summary>
internal sealed class PlanBuilder(int firstIndex = 0)
{
    private readonly int _firstIndex = firstIndex;
    private readonly List<DeploymentStep> _steps = [];

    public IReadOnlyList<DeploymentStep> Steps => _steps;

    public int NextIndex => _firstIndex + _steps.Count;

    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";

    public void Launch(IReadOnlyList<string> refs, string version, long? config, string group, bool temporary, string description) =>
        _steps.Add(new LaunchInstancesStep(NextIndex, description, refs, version, config, group, temporary));

    public void WaitHealthy(IReadOnlyList<string> refs, TimeSpan timeout, bool ignoreHealthCheck, string? description = null) =>
        _steps.Add(new WaitHealthyStep(NextIndex,
            description ?? $"Waiting for {InstanceRefs.Describe(refs)} to pass health checks (up to {Seconds(timeout)}).",
            refs, timeout, ignoreHealthCheck));

    public void Register(IReadOnlyList<string> refs, string group, string? description = null) =>
        _steps.Add(new RegisterStep(NextIndex, description ?? $"Putting {InstanceRefs.Describe(refs)} in service.", refs, group));

    public void Deregister(IReadOnlyList<string> refs, TimeSpan drain, string? description = null) =>
        _steps.Add(new DeregisterStep(NextIndex,
            description ?? $"Taking {InstanceRefs.Describe(refs)} out of service (in-flight requests get up to {Seconds(drain)} to finish).",
            refs, drain));

    public void DeployInPlace(IReadOnlyList<string> refs, string version, string description) =>
        _steps.Add(new DeployInPlaceStep(NextIndex, description, refs, version));

    public void Terminate(IReadOnlyList<string> refs, string? description = null) =>
        _steps.Add(new TerminateInstancesStep(NextIndex, description ?? $"Terminating {InstanceRefs.Describe(refs)}.", refs));

    public void Shift(IReadOnlyList<GroupWeight> weights, string description) =>
        _steps.Add(new ShiftTrafficStep(NextIndex, description, weights));

    public void Evaluate(string group, string baseline, TimeSpan duration, CanaryThresholds? analysis, string description) =>
        _steps.Add(new EvaluateStep(NextIndex, description, group, baseline, duration, analysis));

    public void Promote(IReadOnlyList<string> refs, string group, string description) =>
        _steps.Add(new PromoteStep(NextIndex, description, refs, group));

    public void Pause(TimeSpan duration, string description) =>
        _steps.Add(new PauseStep(NextIndex, description, duration));

    public void Add(DeploymentStep step) => _steps.Add(step.Renumbered(NextIndex));

    public static IReadOnlyList<string> NewRefs(string purpose, int count, int first = 1) =>
        [.. Enumerable.Range(first, count).Select(n => InstanceRefs.Launched(purpose, n))];
}
