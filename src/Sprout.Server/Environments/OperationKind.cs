namespace Sprout.Server.Environments;

/// <summary>The operations an environment can be in the middle of; stored as text so a restarted server resumes them.</summary>
internal static class OperationKind
{
    public const string Launch = "launch";
    public const string Deploy = "deploy";
    public const string Configure = "configure";
    public const string Scale = "scale";
    public const string Terminate = "terminate";
    public const string Shift = "shift";
}
