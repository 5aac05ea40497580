namespace Sprout.Core.Api;

/// <summary>Every failed API call answers with this body: a stable code for scripts and a sentence for people.</summary>
public sealed record ErrorDto(string Error, string Message);
