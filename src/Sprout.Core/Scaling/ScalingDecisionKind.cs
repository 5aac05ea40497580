namespace Sprout.Core.Scaling;

public enum ScalingDecisionKind
{
    /// <summary>Capacity goes up.</summary>
    ScaleOut,

    /// <summary>Capacity goes down.</summary>
    ScaleIn,

    /// <summary>A scheduled action changed MinSize/MaxSize without changing capacity.</summary>
    BoundsChanged,

    /// <summary>A policy wanted a change the bounds did not allow (already at MaxSize or MinSize).</summary>
    AtLimit,

    /// <summary>A change was wanted while a deployment runs; nothing was done.</summary>
    Deferred,
}
