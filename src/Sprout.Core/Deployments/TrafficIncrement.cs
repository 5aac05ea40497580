namespace Sprout.Core.Deployments;

/// <summary>One step of a traffic schedule: send <paramref name="Percent"/> % to the new version, then hold for <paramref name="Hold"/> (zero for the final 100 %).</summary>
public sealed record TrafficIncrement(int Percent, TimeSpan Hold);
