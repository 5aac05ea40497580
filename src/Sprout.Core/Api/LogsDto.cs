namespace Sprout.Core.Api;

public sealed record InstanceLogDto(string InstanceId, string Stream, IReadOnlyList<string> Lines);

public sealed record LogsDto(string EnvironmentName, IReadOnlyList<InstanceLogDto> Logs);
