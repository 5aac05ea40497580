namespace Sprout.Server.Builds;

/// <summary>The unprivileged account build commands run as (when the server is root).</summary>
internal sealed record BuildUser(string Name, int Uid, int Gid)
{
    public string Owner => $"{Uid}:{Gid}";

    /// <summary>Wraps a command so it drops to this user: setpriv keeps the argv intact and needs no PAM session.</summary>
    public IEnumerable<string> SetprivPrefix() =>
        ["/usr/bin/setpriv", $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--"];
}
