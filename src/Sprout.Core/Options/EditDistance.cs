namespace Sprout.Core.Options;

/// <summary>"Did you mean" lookups for misspelt namespaces, options and keys.</summary>
internal static class EditDistance
{
    public const int SuggestionThreshold = 2;

    /// <summary>Closest candidate within <see cref="SuggestionThreshold"/> edits, ignoring case so "minsize" finds "MinSize".</summary>
    public static string? Suggest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Order(StringComparer.Ordinal))
        {
            var distance = Levenshtein(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance && candidate != input)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= SuggestionThreshold ? best : null;
    }

    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
