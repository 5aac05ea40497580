namespace Sprout.Server.Store;

/// <summary>A deployment in progress: its state (<c>DeploymentJson</c>) and the route's target group weights, both as JSON.</summary>
internal sealed class DeploymentRow
{
    public string EnvironmentId { get; set; } = "";

    public string StateJson { get; set; } = "";

    public string WeightsJson { get; set; } = "";

    public DateTimeOffset Updated { get; set; }
}
