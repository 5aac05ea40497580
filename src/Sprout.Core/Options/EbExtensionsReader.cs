using Sprout.Core.Model;

namespace Sprout.Core.Options;

/// <summary>
/// Reads <c>.ebextensions/*.config</c> contents the way Beanstalk does: <c>.config</c> files only, in ordinal file-name
/// order, later files overriding earlier ones for the same option; a file that does not parse or has an unknown
/// top-level key is ignored entirely, with a warning.
/// </summary>
public static class EbExtensionsReader
{
    public const string ConfigExtension = ".config";

    /// <param name="files">File names (with or without the <c>.ebextensions/</c> folder) and their text.</param>
    public static EbExtensionsResult Read(IEnumerable<(string FileName, string Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var settings = new Dictionary<OptionKey, OptionSetting>();
        var sections = new List<EbExtensionsSection>();
        var warnings = new List<string>();
        var configs = files
            .Where(f => f.FileName.EndsWith(ConfigExtension, StringComparison.Ordinal))
            .OrderBy(f => f.FileName, StringComparer.Ordinal);
        foreach (var (fileName, content) in configs)
        {
            var outcome = EbExtensionsFileParser.Parse(fileName, content ?? "");
            if (outcome.Problem is { } problem)
            {
                warnings.Add($"{fileName} line {problem.Line}: {problem.Message} The file is ignored.");
                continue;
            }

            foreach (var setting in outcome.Settings)
            {
                settings[setting.Key] = setting;
            }

            sections.AddRange(outcome.Sections);
        }

        return new EbExtensionsResult([.. settings.Values], warnings) { Sections = sections };
    }
}
