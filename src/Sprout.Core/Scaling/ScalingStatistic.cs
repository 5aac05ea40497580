namespace Sprout.Core.Scaling;

/// <summary>How a trigger reduces a period's samples to one number (<c>aws:autoscaling:trigger Statistic</c>).</summary>
public enum ScalingStatistic
{
    Minimum,
    Maximum,
    Sum,
    Average,
}
