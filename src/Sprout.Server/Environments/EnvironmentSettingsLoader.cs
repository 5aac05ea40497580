using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// Resolves an environment's effective options with Beanstalk's precedence: settings applied to
/// the environment, then the bundle's <c>.ebextensions/*.config</c>, then the catalogue defaults.
/// </summary>
internal sealed class EnvironmentSettingsLoader(SproutStore store)
{
    public async Task<LoadedSettings> LoadAsync(string environmentId, string? slugDirectory, CancellationToken cancellationToken) =>
        await LoadAsync(await store.GetOptionSettingsAsync(environmentId, cancellationToken), slugDirectory, cancellationToken);

    /// <summary>The same precedence over given environment settings (those of an earlier configuration generation).</summary>
    public async Task<LoadedSettings> LoadAsync(IReadOnlyList<OptionSetting> applied, string? slugDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var bundle = slugDirectory is null
            ? new EbExtensionsResult([], [])
            : EbExtensionsReader.Read(await ReadConfigFilesAsync(slugDirectory, cancellationToken));
        var effective = EffectiveOptions.Resolve(bundle.OptionSettings, applied);
        // Validate the merged set, so cross-option rules (MinSize <= MaxSize) see bundle and environment values together.
        var errors = OptionValidator.Validate(effective.Settings).Select(e => e.Message).ToList();
        return new LoadedSettings(effective, bundle.Warnings, errors);
    }

    private static async Task<List<(string FileName, string Content)>> ReadConfigFilesAsync(string slugDirectory, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(slugDirectory, ".ebextensions");
        var files = new List<(string, string)>();
        if (!Directory.Exists(directory))
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*.config").Order(StringComparer.Ordinal))
        {
            files.Add((Path.GetFileName(path), await File.ReadAllTextAsync(path, cancellationToken)));
        }

        return files;
    }
}

/// <param name="Warnings">Files ignored and why (Beanstalk ignores a broken config file with a warning).</param>
/// <param name="Errors">Bundle option settings that fail validation; a deployment with errors fails.</param>
internal sealed record LoadedSettings(EffectiveOptions Options, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors);
