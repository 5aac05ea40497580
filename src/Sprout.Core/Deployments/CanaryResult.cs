namespace Sprout.Core.Deployments;

public enum CanaryResult
{
    /// <summary>The new version is no worse than the thresholds allow.</summary>
    Pass,
    /// <summary>The new version regressed: roll back.</summary>
    Fail,
    /// <summary>Too little traffic to judge; the evaluation carries on (and passes with a warning if the window ends so).</summary>
    Inconclusive,
}
