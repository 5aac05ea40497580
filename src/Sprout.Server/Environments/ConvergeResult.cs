namespace Sprout.Server.Environments;

/// <summary>How a convergence ended; <see cref="Cause"/> says why when it did not reach the desired state.</summary>
internal sealed record ConvergeResult(bool Succeeded, string? Cause)
{
    public static ConvergeResult Success { get; } = new(true, null);

    public static ConvergeResult Failure(string cause) => new(false, cause);
}
