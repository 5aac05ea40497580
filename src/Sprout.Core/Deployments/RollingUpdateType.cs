namespace Sprout.Core.Deployments;

/// <summary><c>aws:autoscaling:updatepolicy:rollingupdate</c> <c>RollingUpdateType</c>.</summary>
public enum RollingUpdateType
{
    /// <summary>Next batch after <c>PauseTime</c>.</summary>
    Time,
    /// <summary>Next batch once the new batch passes health checks, within <c>Timeout</c>.</summary>
    Health,
    /// <summary>A full new set beside the old one, as an Immutable deployment.</summary>
    Immutable,
}
