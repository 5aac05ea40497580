namespace Sprout.Core.Bundles;

/// <summary>The bundle's platform or start command could not be decided; the message says what to add.</summary>
public sealed class PlatformDetectionException(string message) : Exception(message);
