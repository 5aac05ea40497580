namespace Sprout.Core.Options;

/// <summary>Where a config file went wrong; <see cref="Line"/> is 1-based.</summary>
internal readonly record struct ConfigFileProblem(long Line, string Message);
