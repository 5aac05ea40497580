namespace Sprout.Core.Bundles;

/// <summary>
/// The rules of one gitignore-syntax file (<c>.ebignore</c>, <c>.gitignore</c>), matched against paths relative
/// to the directory that holds the file. The last matching pattern decides, as in git.
/// </summary>
public sealed partial class IgnoreRules
{
    private readonly IReadOnlyList<Pattern> _patterns;

    private IgnoreRules(IReadOnlyList<Pattern> patterns) => _patterns = patterns;

    public static IgnoreRules Empty { get; } = new([]);

    public int Count => _patterns.Count;

    public static IgnoreRules Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var patterns = new List<Pattern>();
        foreach (var line in text.Split('\n'))
        {
            if (Pattern.TryParse(line.TrimEnd('\r'), out var pattern))
            {
                patterns.Add(pattern);
            }
        }

        return new IgnoreRules(patterns);
    }

    /// <summary>
    /// True when the path is excluded: matched by a pattern (and not re-included by a later <c>!</c> pattern),
    /// or inside an excluded directory. Like git, a file cannot be re-included when a parent directory is excluded.
    /// </summary>
    /// <param name="relativePath">Forward- or back-slash separated, relative to the rules' directory.</param>
    public bool IsIgnored(string relativePath, bool isDirectory)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = Normalize(relativePath);
        if (path.Length == 0)
        {
            return false;
        }

        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            if (Match(path[..slash], isDirectory: true) == IgnoreMatch.Ignored)
            {
                return true;
            }
        }

        return Match(path, isDirectory) == IgnoreMatch.Ignored;
    }

    /// <summary>What the last matching pattern says about this one path, without looking at its parents.</summary>
    internal IgnoreMatch Match(string normalizedPath, bool isDirectory)
    {
        var name = normalizedPath[(normalizedPath.LastIndexOf('/') + 1)..];
        for (var i = _patterns.Count - 1; i >= 0; i--)
        {
            var pattern = _patterns[i];
            if (pattern.IsMatch(normalizedPath, name, isDirectory))
            {
                return pattern.IsNegated ? IgnoreMatch.Included : IgnoreMatch.Ignored;
            }
        }

        return IgnoreMatch.None;
    }

    internal static string Normalize(string relativePath) =>
        relativePath.Replace('\\', '/').Trim('/');
}

internal enum IgnoreMatch
{
    None,
    Ignored,
    Included,
}
