using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public sealed class IgnoreRulesTests
{
    [Theory]
    // A name without a slash matches at any depth, files and directories alike.
    [InlineData("*.log", "app.log", false, true)]
    [InlineData("*.log", "logs/deep/app.log", false, true)]
    [InlineData("*.log", "app.log.txt", false, false)]
    [InlineData("secret.txt", "config/secret.txt", false, true)]
    [InlineData("build", "build", true, true)]
    [InlineData("build", "src/build", false, true)]
    // A trailing slash matches directories only (and so everything inside them).
    [InlineData("tmp/", "tmp", true, true)]
    [InlineData("tmp/", "tmp", false, false)]
    [InlineData("tmp/", "a/tmp/file.txt", false, true)]
    // A leading or inner slash anchors the pattern to the rules' directory.
    [InlineData("/todo.txt", "todo.txt", false, true)]
    [InlineData("/todo.txt", "sub/todo.txt", false, false)]
    [InlineData("doc/frotz", "doc/frotz", false, true)]
    [InlineData("doc/frotz", "a/doc/frotz", false, false)]
    [InlineData("doc/*.txt", "doc/notes.txt", false, true)]
    [InlineData("doc/*.txt", "doc/server/arch.txt", false, false)]
    // '*' and '?' never cross a slash.
    [InlineData("a*c", "abbbc", false, true)]
    [InlineData("a?c", "abc", false, true)]
    [InlineData("a?c", "abbc", false, false)]
    [InlineData("/a*", "a/b", false, true)] // the directory "a" matches, so its content is ignored
    // '**' forms.
    [InlineData("**/foo", "foo", false, true)]
    [InlineData("**/foo", "x/y/foo", false, true)]
    [InlineData("**/foo/bar", "x/foo/bar", false, true)]
    [InlineData("abc/**", "abc/x/y.txt", false, true)]
    [InlineData("abc/**", "abc", true, false)]
    [InlineData("a/**/b", "a/b", false, true)]
    [InlineData("a/**/b", "a/x/y/b", false, true)]
    [InlineData("a/**/b", "c/a/x/b", false, false)]
    [InlineData("a**b", "axxb", false, true)]
    [InlineData("a**b", "ax/xb", false, false)]
    // Character classes, negated classes and POSIX classes.
    [InlineData("file[0-9].txt", "file7.txt", false, true)]
    [InlineData("file[0-9].txt", "fileA.txt", false, false)]
    [InlineData("file[!0-9].txt", "fileA.txt", false, true)]
    [InlineData("file[^0-9].txt", "file1.txt", false, false)]
    [InlineData("[]x]y", "]y", false, true)]
    [InlineData("[[:digit:]]*.bak", "1-old.bak", false, true)]
    [InlineData("[[:digit:]]*.bak", "old.bak", false, false)]
    [InlineData("unclosed[", "unclosed[", false, true)]
    // Escapes and whitespace.
    [InlineData(@"\#literal", "#literal", false, true)]
    [InlineData(@"\!important", "!important", false, true)]
    [InlineData("trailing   ", "trailing", false, true)]
    [InlineData(@"space\ ", "space ", false, true)]
    [InlineData("a.b", "axb", false, false)]
    public void IsIgnored_SinglePattern(string pattern, string path, bool isDirectory, bool expected)
    {
        var rules = IgnoreRules.Parse(pattern);

        Assert.Equal(expected, rules.IsIgnored(path, isDirectory));
    }

    [Fact]
    public void Parse_CommentsAndBlankLines_AreNotPatterns()
    {
        var rules = IgnoreRules.Parse("# a comment\n\n   \n*.tmp\r\n#*.log\n");

        Assert.Equal(1, rules.Count);
        Assert.True(rules.IsIgnored("x.tmp", false));
        Assert.False(rules.IsIgnored("x.log", false));
        Assert.False(rules.IsIgnored("# a comment", false));
    }

    [Fact]
    public void IsIgnored_Negation_ReincludesWhenLaterPatternMatches()
    {
        var rules = IgnoreRules.Parse("*.log\n!keep.log\n");

        Assert.True(rules.IsIgnored("debug.log", false));
        Assert.False(rules.IsIgnored("keep.log", false));
        Assert.False(rules.IsIgnored("sub/keep.log", false));
    }

    [Fact]
    public void IsIgnored_LastMatchingPatternWins()
    {
        var rules = IgnoreRules.Parse("!keep.log\n*.log\n");

        Assert.True(rules.IsIgnored("keep.log", false));
    }

    [Fact]
    public void IsIgnored_FileInsideExcludedDirectory_CannotBeReincluded()
    {
        var rules = IgnoreRules.Parse("vendor/\n!vendor/keep.txt\n");

        Assert.True(rules.IsIgnored("vendor/keep.txt", false));
    }

    [Fact]
    public void IsIgnored_DirectoryContentsPatternWithNegation_ReincludesFile()
    {
        var rules = IgnoreRules.Parse("/dist/*\n!/dist/index.html\n");

        Assert.False(rules.IsIgnored("dist", true));
        Assert.True(rules.IsIgnored("dist/app.js", false));
        Assert.False(rules.IsIgnored("dist/index.html", false));
    }

    [Fact]
    public void IsIgnored_BackslashSeparatorsAndSurroundingSlashes_AreNormalised()
    {
        var rules = IgnoreRules.Parse("/logs/\n");

        Assert.True(rules.IsIgnored(@"logs\today.txt", false));
        Assert.True(rules.IsIgnored("/logs/", true));
    }

    [Fact]
    public void IsIgnored_EmptyRulesOrEmptyPath_IgnoresNothing()
    {
        Assert.False(IgnoreRules.Empty.IsIgnored("anything", false));
        Assert.False(IgnoreRules.Parse("*").IsIgnored(string.Empty, true));
    }

    [Fact]
    public void IsIgnored_IsCaseSensitive_AsGitIsOnLinux()
    {
        var rules = IgnoreRules.Parse("*.LOG\n");

        Assert.True(rules.IsIgnored("a.LOG", false));
        Assert.False(rules.IsIgnored("a.log", false));
    }
}
