using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sprout.Core.Options;

/// <summary><c>MatcherHTTPCode</c>: healthy status codes as a comma list of codes and ranges, e.g. <c>200</c>, <c>200,202</c>, <c>200-299</c>.</summary>
public sealed class HttpCodeMatcher
{
    public const int LowestCode = 200;
    public const int HighestCode = 499;

    private readonly (int Low, int High)[] _ranges;

    private HttpCodeMatcher((int Low, int High)[] ranges) => _ranges = ranges;

    /// <summary>Beanstalk's default: only 200.</summary>
    public static HttpCodeMatcher Default { get; } = new([(200, 200)]);

    public bool Matches(int statusCode) => _ranges.Any(r => statusCode >= r.Low && statusCode <= r.High);

    public static bool TryParse(string? value, [NotNullWhen(true)] out HttpCodeMatcher? matcher, [NotNullWhen(false)] out string? problem)
    {
        matcher = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "no HTTP codes given.";
            return false;
        }

        var ranges = new List<(int, int)>();
        foreach (var raw in value.Split(','))
        {
            var part = raw.Trim();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var lowText = dash < 0 ? part : part[..dash].Trim();
            var highText = dash < 0 ? part : part[(dash + 1)..].Trim();
            if (!TryParseCode(lowText, out var low) || !TryParseCode(highText, out var high))
            {
                problem = $"'{part}' is not an HTTP code or range from {LowestCode} to {HighestCode}.";
                return false;
            }

            if (low > high)
            {
                problem = $"range '{part}' ends before it starts.";
                return false;
            }

            ranges.Add((low, high));
        }

        matcher = new HttpCodeMatcher([.. ranges]);
        return true;
    }

    private static bool TryParseCode(string text, out int code) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= LowestCode and <= HighestCode;
}
