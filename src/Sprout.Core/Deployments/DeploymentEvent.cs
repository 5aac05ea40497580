using Sprout.Core.Model;

namespace Sprout.Core.Deployments;

/// <summary>An event the reconciler records for a deployment.</summary>
public sealed record DeploymentEvent(EventSeverity Severity, string Message);
