namespace Sprout.Core.Options;

/// <summary>Where an effective option value came from, highest precedence first.</summary>
public static class OptionSources
{
    /// <summary>Applied directly to the environment (create/update settings).</summary>
    public const string Environment = "environment";

    /// <summary>From the source bundle's <c>.ebextensions</c>.</summary>
    public const string Bundle = "bundle";

    /// <summary>The catalogue default.</summary>
    public const string Default = "default";
}
