using System.Globalization;

namespace Sprout.Server.Runtime;

/// <summary>The unprivileged account apps run as when the server is root.</summary>
internal sealed record AppUserAccount(string Name, int Uid, int Gid)
{
    /// <summary>Looks the user up, creating it as a system user without a home or login shell when missing.</summary>
    public static async Task<AppUserAccount> EnsureAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(await CommandRunner.RunAsync("id", ["-u", name], cancellationToken)).Succeeded)
        {
            var created = await CommandRunner.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], cancellationToken);

            // Exit code 9: another server (or a parallel start) created it meanwhile.
            if (!created.Succeeded && created.ExitCode != 9)
            {
                throw new InvalidOperationException($"The app user '{name}' does not exist and 'useradd --system {name}' failed: {created.Error}. Create the user by hand or configure another AppUser.");
            }
        }

        var uid = await CommandRunner.RunAsync("id", ["-u", name], cancellationToken);
        var gid = await CommandRunner.RunAsync("id", ["-g", name], cancellationToken);
        if (!int.TryParse(uid.Output, NumberStyles.None, CultureInfo.InvariantCulture, out var u)
            || !int.TryParse(gid.Output, NumberStyles.None, CultureInfo.InvariantCulture, out var g))
        {
            throw new InvalidOperationException($"Could not read the uid/gid of app user '{name}' with 'id': {uid.Error}{gid.Error}");
        }

        return new AppUserAccount(name, u, g);
    }
}
