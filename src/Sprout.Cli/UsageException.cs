namespace Sprout.Cli;

/// <summary>The command line cannot be acted on (missing application, bad K=V, …); reported as exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
