using Sprout.Core.Deployments;

namespace Sprout.Server.Environments;

/// <summary>A deployment's state as read for the progress API, with its id and, once it finished, when.</summary>
internal sealed record DeploymentSnapshot(DeploymentState State, long DeploymentId, DateTimeOffset? FinishedAt);
