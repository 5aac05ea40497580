using Sprout.Core.Api;

namespace Sprout.Cli.Http;

/// <summary>What <c>POST …/deploy</c> answered: the environment, and when the server says so (<see cref="OperationHeaders"/>), the new deployment's id and the last event before it.</summary>
public sealed record DeploymentStarted(EnvironmentDto Environment, long? DeploymentId, long? EventsBefore);
