namespace Sprout.Server.Runtime;

/// <summary>
/// The <c>sh -c</c> script that starts an app. The shell opens the log files itself (O_APPEND,
/// so copy-truncate rotation is safe) and stdin from /dev/null, so nothing ties the app to the
/// server's pipes or terminal; then it replaces itself with the app when the command allows.
/// </summary>
internal static class InstanceShellScript
{
    private static readonly string[] CompoundKeywords = ["if", "while", "until", "for", "case", "{", "(", "!"];

    public static string Build(string startCommand, string stdoutPath, string stderrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(startCommand);
        var redirect = $"exec </dev/null >>{Quote(stdoutPath)} 2>>{Quote(stderrPath)}";
        var command = startCommand.Trim();
        return redirect + "\n" + (IsSimpleCommand(command) ? "exec " + command : command);
    }

    /// <summary>Single-quotes a word for POSIX sh.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// True when <c>exec</c> can prefix the command so the app itself is the group leader the
    /// handle names. Lists, pipelines, compound commands and leading assignments run under the
    /// shell instead, which stays as the leader and passes the exit status on.
    /// </summary>
    private static bool IsSimpleCommand(string command)
    {
        if (command.AsSpan().IndexOfAny(";&|\n") >= 0)
        {
            return false;
        }

        var firstWord = command.Split(' ', '\t')[0];
        return !firstWord.Contains('=', StringComparison.Ordinal) && !CompoundKeywords.Contains(firstWord) && !firstWord.StartsWith('(');
    }
}
