namespace Sprout.Core.Bundles;

/// <summary>A Procfile line that does not follow the grammar; <see cref="LineNumber"/> is 1-based.</summary>
public sealed class ProcfileFormatException(int lineNumber, string message) : FormatException(message)
{
    public int LineNumber { get; } = lineNumber;
}
