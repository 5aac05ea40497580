using System.CommandLine;

namespace Sprout.Cli.Commands;

/// <summary>Range checks on option and argument values, reported as parse errors (exit code 2) before any request is sent.</summary>
internal static class Validation
{
    public static void Require<T>(Option<T> option, Func<T, bool> isValid, string message) =>
        option.Validators.Add(result =>
        {
            if (TryGetValue(() => result.GetValueOrDefault<T>(), out var value) && !isValid(value))
            {
                result.AddError(message);
            }
        });

    public static void Require<T>(Argument<T> argument, Func<T, bool> isValid, string message) =>
        argument.Validators.Add(result =>
        {
            if (TryGetValue(() => result.GetValueOrDefault<T>(), out var value) && !isValid(value))
            {
                result.AddError(message);
            }
        });

    /// <summary>A value that does not even convert (e.g. "x" for a number) already has its own parse error; nothing more to say.</summary>
    private static bool TryGetValue<T>(Func<T> read, out T value)
    {
        try
        {
            value = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
