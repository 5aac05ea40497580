namespace Sprout.Server.Builds;

/// <summary>A build step failed for a reason the log explains; the builder turns it into a failed <see cref="BuildResult"/>.</summary>
internal sealed class BuildFailedException(string message) : Exception(message);
