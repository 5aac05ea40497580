namespace Sprout.Core.Deployments;

/// <summary>Target group names a plan uses inside one environment's route.</summary>
public static class DeploymentGroups
{
    /// <summary>The environment's own group (the router's default group); it takes all traffic outside a traffic-splitting deployment.</summary>
    public const string Main = "default";

    /// <summary>The new fleet of a traffic-splitting deployment until it is promoted into <see cref="Main"/>.</summary>
    public const string Candidate = "candidate";
}
