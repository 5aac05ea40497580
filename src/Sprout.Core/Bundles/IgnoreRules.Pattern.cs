using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Sprout.Core.Bundles;

public sealed partial class IgnoreRules
{
    /// <summary>One line of a gitignore file, translated to a regular expression over normalised paths.</summary>
    private sealed class Pattern
    {
        private static readonly Dictionary<string, string> PosixClasses = new(StringComparer.Ordinal)
        {
            ["alnum"] = "a-zA-Z0-9",
            ["alpha"] = "a-zA-Z",
            ["blank"] = @" \t",
            ["cntrl"] = @"\x00-\x1F\x7F",
            ["digit"] = "0-9",
            ["graph"] = @"\x21-\x7E",
            ["lower"] = "a-z",
            ["print"] = @"\x20-\x7E",
            ["punct"] = @"!-/:-@\[-`{-~",
            ["space"] = @"\s",
            ["upper"] = "A-Z",
            ["xdigit"] = "0-9a-fA-F",
        };

        private readonly Regex _regex;

        private Pattern(Regex regex, bool isNegated, bool directoryOnly, bool matchesFullPath)
        {
            _regex = regex;
            IsNegated = isNegated;
            DirectoryOnly = directoryOnly;
            MatchesFullPath = matchesFullPath;
        }

        public bool IsNegated { get; }

        /// <summary>The pattern ended with '/': it matches directories only.</summary>
        public bool DirectoryOnly { get; }

        /// <summary>The pattern had a '/' before its end, so it is anchored to the rules' directory; otherwise it matches a name at any depth.</summary>
        public bool MatchesFullPath { get; }

        public bool IsMatch(string path, string name, bool isDirectory) =>
            (!DirectoryOnly || isDirectory) && _regex.IsMatch(MatchesFullPath ? path : name);

        public static bool TryParse(string line, [NotNullWhen(true)] out Pattern? pattern)
        {
            pattern = null;
            var text = TrimUnescapedTrailingSpaces(line);
            if (text.Length == 0 || text[0] == '#')
            {
                return false;
            }

            var isNegated = text[0] == '!';
            if (isNegated)
            {
                text = text[1..];
            }

            var directoryOnly = text.EndsWith('/');
            text = text.TrimEnd('/');
            var matchesFullPath = text.Contains('/', StringComparison.Ordinal);
            text = text.TrimStart('/');
            if (text.Length == 0)
            {
                return false;
            }

            var regex = new Regex(
                "^" + Translate(text) + "$",
                RegexOptions.CultureInvariant | RegexOptions.Singleline,
                TimeSpan.FromSeconds(1));
            pattern = new Pattern(regex, isNegated, directoryOnly, matchesFullPath);
            return true;
        }

        private static string TrimUnescapedTrailingSpaces(string line)
        {
            var end = line.Length;
            while (end > 0 && line[end - 1] == ' ' && !(end > 1 && line[end - 2] == '\\'))
            {
                end--;
            }

            return line[..end];
        }

        private static string Translate(string glob)
        {
            var regex = new StringBuilder(glob.Length * 2);
            var i = 0;
            while (i < glob.Length)
            {
                var c = glob[i];
                switch (c)
                {
                    case '*':
                        i = TranslateStars(glob, i, regex);
                        continue;
                    case '?':
                        regex.Append("[^/]");
                        break;
                    case '[':
                        if (TryTranslateClass(glob, i, regex, out var next))
                        {
                            i = next;
                            continue;
                        }

                        regex.Append(@"\[");
                        break;
                    case '\\' when i + 1 < glob.Length:
                        i++;
                        regex.Append(Regex.Escape(glob[i].ToString()));
                        break;
                    default:
                        regex.Append(Regex.Escape(c.ToString()));
                        break;
                }

                i++;
            }

            return regex.ToString();
        }

        /// <summary>'**' is special only as a whole path segment (leading "**/", trailing "/**", inner "/**/"); elsewhere it is '*'.</summary>
        private static int TranslateStars(string glob, int start, StringBuilder regex)
        {
            var end = start;
            while (end < glob.Length && glob[end] == '*')
            {
                end++;
            }

            var isWholeSegment = end - start >= 2
                && (start == 0 || glob[start - 1] == '/')
                && (end == glob.Length || glob[end] == '/');
            if (!isWholeSegment)
            {
                regex.Append("[^/]*");
                return end;
            }

            if (end == glob.Length)
            {
                regex.Append(".*");
                return end;
            }

            // "**/" matches zero or more whole directories.
            regex.Append("(?:.*/)?");
            return end + 1;
        }

        private static bool TryTranslateClass(string glob, int start, StringBuilder regex, out int next)
        {
            next = start;
            var i = start + 1;
            var negated = i < glob.Length && glob[i] is '!' or '^';
            if (negated)
            {
                i++;
            }

            var body = new StringBuilder();
            var first = true;
            while (i < glob.Length && (glob[i] != ']' || first))
            {
                var c = glob[i];
                first = false;
                if (c == '[' && i + 1 < glob.Length && glob[i + 1] == ':')
                {
                    var close = glob.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    if (close > 0 && PosixClasses.TryGetValue(glob[(i + 2)..close], out var range))
                    {
                        body.Append(range);
                        i = close + 2;
                        continue;
                    }
                }

                if (c == '\\' && i + 1 < glob.Length)
                {
                    i++;
                    c = glob[i];
                    if (char.IsLetterOrDigit(c))
                    {
                        body.Append(c);
                    }
                    else
                    {
                        body.Append('\\').Append(c);
                    }
                }
                else if (c is '[' or ']' or '^' or '\\')
                {
                    body.Append('\\').Append(c);
                }
                else
                {
                    body.Append(c);
                }

                i++;
            }

            if (i >= glob.Length)
            {
                return false;
            }

            // A class never matches '/', negated or not.
            regex.Append(negated ? "[^/" : "[").Append(body).Append(']');
            next = i + 1;
            return true;
        }
    }
}
