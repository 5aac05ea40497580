using Sprout.Server;
using Sprout.Cli.Project;

namespace Sprout.Cli.Http;

/// <summary>Where the API is and which token to present, found the same way by every verb.</summary>
public sealed record ServerConnection(Uri ServerUrl, string? Token, string? TokenSource)
{
    public const string DefaultServerUrl = "http://127.0.0.1:4510";

    /// <summary>The URL as people write it (no trailing slash).</summary>
    public string DisplayUrl => Display(ServerUrl);

    public static string Display(Uri serverUrl) => serverUrl.ToString().TrimEnd('/');

    /// <summary><c>SPROUT_URL</c>, else <c>server_url</c> of the project config, else the local default; the token from
    /// <c>SPROUT_TOKEN</c>, else <c>$SPROUT_DATA_DIR/token</c>, else the default data directory's token (<c>/var/lib/sprout</c> for root, <c>~/.sprout</c>), trying the other too.</summary>
    public static ServerConnection Resolve(CliContext context, ProjectConfig? config, string? serverUrlOverride = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = serverUrlOverride
            ?? context.GetEnvironmentVariable("SPROUT_URL")
            ?? config?.ServerUrl
            ?? DefaultServerUrl;
        var (token, source) = ResolveToken(context);
        return new ServerConnection(ParseUrl(url), token, source);
    }

    public static Uri ParseUrl(string url)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"'{url}' is not an http:// or https:// URL of a Sprout server.");
        }

        return uri;
    }

    private static (string? Token, string? Source) ResolveToken(CliContext context)
    {
        var fromVariable = context.GetEnvironmentVariable("SPROUT_TOKEN");
        if (fromVariable is not null)
        {
            return (fromVariable.Trim(), "SPROUT_TOKEN");
        }

        var explicitDirectory = context.GetEnvironmentVariable("SPROUT_DATA_DIR");
        string[] candidates = explicitDirectory is not null
            ? [explicitDirectory]
            : [ServerOptions.DefaultDataDirectory(context.HomeDirectory), Path.Combine(context.HomeDirectory, ".sprout"), "/var/lib/sprout"];
        foreach (var path in candidates.Distinct(StringComparer.Ordinal).Select(d => Path.Combine(d, "token")))
        {
            try
            {
                var token = File.ReadAllText(path).Trim();
                if (token.Length > 0)
                {
                    return (token, path);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return (null, null);
    }
}
