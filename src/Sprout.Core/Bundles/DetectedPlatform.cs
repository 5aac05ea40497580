namespace Sprout.Core.Bundles;

/// <summary>What a bundle is and how it starts.</summary>
/// <param name="Platform">node, python, dotnet, go, static or procfile (see <see cref="PlatformDetector"/>'s constants); decides the install steps.</param>
/// <param name="DefaultStartCommand">
/// Shell command run from the slug's root with <c>PORT</c> set: the Procfile's <c>web:</c> line when there is one,
/// else the platform's default. For python without a Procfile the builder may swap in gunicorn once it knows it is installed.
/// </param>
/// <param name="Reason">Why, in words for the build log.</param>
public sealed record DetectedPlatform(string Platform, string? DefaultStartCommand, string Reason)
{
    /// <summary>The bundle's Procfile, when it has one (with or without a <c>web:</c> line).</summary>
    public Procfile? Procfile { get; init; }

    /// <summary>True when the start command is the Procfile's <c>web:</c> line rather than a platform default.</summary>
    public bool StartsFromProcfile => Procfile?.WebCommand is not null;
}
