namespace Sprout.Core.Api;

/// <summary>The effective option settings of an environment, each with where its value came from.</summary>
public sealed record ConfigurationDto(string EnvironmentName, IReadOnlyList<EffectiveOptionDto> OptionSettings);

/// <param name="Source">"environment" (set directly), "bundle" (.ebextensions) or "default".</param>
public sealed record EffectiveOptionDto(string Namespace, string OptionName, string? Value, string Source, string? ResourceName = null);
