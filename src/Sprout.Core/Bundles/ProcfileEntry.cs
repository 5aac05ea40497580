namespace Sprout.Core.Bundles;

/// <summary>One Procfile process: its name and the shell command that runs it.</summary>
public sealed record ProcfileEntry(string Name, string Command);
