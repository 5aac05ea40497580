namespace Sprout.Cli;

/// <summary>What <c>sprout</c> returns, so scripts can tell a failed operation from a mistyped command.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation ran and failed: deployment failed, environment Red, server unreachable, HTTP 4xx/5xx.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong (unknown verb, bad option, missing argument, no application configured).</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl-C or SIGTERM while waiting; the server keeps going with what was asked.</summary>
    public const int Interrupted = 130;
}
