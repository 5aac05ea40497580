namespace Sprout.Core.Api;

/// <summary>
/// Response headers of <c>POST …/deploy</c> that let a client follow the deployment it started without asking for marks
/// first: the new deployment's id, and the id of the last event before the deployment's own.
/// </summary>
public static class OperationHeaders
{
    public const string DeploymentId = "Sprout-Deployment-Id";

    public const string EventsBefore = "Sprout-Events-Before";
}
