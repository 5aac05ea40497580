namespace Sprout.Core.Scaling;

/// <summary>A trigger's verdict, the statistic of each period it looked at (newest first; null for an empty period) and a sentence saying why.</summary>
public sealed record TriggerEvaluation(TriggerBreach Breach, IReadOnlyList<double?> PeriodValues, string Description)
{
    /// <summary>The newest period's statistic, or null.</summary>
    public double? Latest => PeriodValues.Count > 0 ? PeriodValues[0] : null;
}
