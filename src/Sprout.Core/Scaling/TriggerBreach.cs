namespace Sprout.Core.Scaling;

/// <summary>What a trigger concluded from its periods.</summary>
public enum TriggerBreach
{
    /// <summary>Between the thresholds, or breaching for fewer periods than needed.</summary>
    None,

    /// <summary>Above UpperThreshold in every period needed.</summary>
    Upper,

    /// <summary>Below LowerThreshold in every period needed.</summary>
    Lower,

    /// <summary>A period needed had no samples, so nothing can be concluded (CloudWatch's INSUFFICIENT_DATA).</summary>
    InsufficientData,
}
