namespace Sprout.Core.Api;

public sealed record ApplicationDto(string Name, string? Description, DateTimeOffset DateCreated, IReadOnlyList<string> Versions, IReadOnlyList<string> Environments);

public sealed record CreateApplicationRequest(string Name, string? Description = null);
