using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Sprout.Cli.Commands;
using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Core.Api;
using Sprout.Core.Bundles;
using Sprout.Core.Model;
using Sprout.Core.Names;

namespace Sprout.Cli.Flows;

/// <summary>
/// Gets an application version ready to run: either an existing label, or a new one zipped from the project
/// directory and uploaded; then waits for its build. Returns null after printing why when the build failed.
/// </summary>
internal sealed class VersionPublisher(ClientSession session)
{
    private const int BuildLogTailLines = 40;

    private static readonly TimeSpan BuildPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>EB CLI's label for bundles made without git: <c>app-YYMMDD_HHMMSS</c>.</summary>
    public static string DefaultLabel(DateTimeOffset now) =>
        "app-" + now.ToLocalTime().ToString("yyMMdd_HHmmss", CultureInfo.InvariantCulture);

    public static void ValidateLabel(string? label)
    {
        if (label is not null && ResourceNames.ValidateVersionLabel(label) is { } problem)
        {
            throw new UsageException(problem);
        }
    }

    /// <param name="existingLabel">--version: deploy this existing version instead of uploading.</param>
    /// <param name="newLabel">--label: the label for the uploaded bundle (default app-YYMMDD_HHMMSS).</param>
    public async Task<VersionDto?> PrepareAsync(
        string? existingLabel,
        string? newLabel,
        string? description,
        DateTimeOffset deadline,
        CancellationToken cancellationToken)
    {
        ValidateLabel(existingLabel);
        ValidateLabel(newLabel);
        var application = session.Application;
        VersionDto version;
        if (existingLabel is not null)
        {
            // An existing version implies its application; a missing one is a clear 404 of its own.
            version = await session.Api.GetVersionAsync(application, existingLabel, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await session.Api.EnsureApplicationAsync(application, description: null, cancellationToken).ConfigureAwait(false);
            version = await UploadAsync(application, newLabel, description, cancellationToken).ConfigureAwait(false);
        }

        return await WaitForBuildAsync(version, deadline, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VersionDto> UploadAsync(string application, string? explicitLabel, string? description, CancellationToken cancellationToken)
    {
        var label = explicitLabel ?? DefaultLabel(session.Time.GetUtcNow());
        var progress = session.Output.Progress;
        var directory = session.ProjectDirectory;
        var bundlePath = Path.Combine(Path.GetTempPath(), $"sprout-bundle-{Guid.NewGuid():N}.zip");
        try
        {
            var bundle = new FileStream(bundlePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await using (bundle.ConfigureAwait(false))
            {
                var contents = await BundleZipper.CreateAsync(directory, bundle, cancellationToken).ConfigureAwait(false);
                bundle.Position = 0;
                var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(bundle, cancellationToken).ConfigureAwait(false));
                bundle.Position = 0;
                var ignoreNote = contents.IgnoreFile is null ? string.Empty : $", honouring {contents.IgnoreFile}";
                progress.WriteLine($"Creating application version \"{label}\" from {directory} ({contents.FileCount} files, {CliOutput.FormatSize(bundle.Length)} zipped{ignoreNote}).");
                progress.WriteLine($"Uploading {label} to {session.Api.Connection.DisplayUrl} …");
                try
                {
                    return await session.Api.UploadVersionAsync(application, label, description, bundle, sha256, cancellationToken).ConfigureAwait(false);
                }
                catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict && explicitLabel is not null)
                {
                    // EB CLI semantics: `deploy --label L` with an existing L deploys that version again.
                    progress.WriteLine($"Version {label} already exists; using it as it is.");
                    return await session.Api.GetVersionAsync(application, label, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            File.Delete(bundlePath);
        }
    }

    private async Task<VersionDto?> WaitForBuildAsync(VersionDto version, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var progress = session.Output.Progress;
        if (version.Status == VersionStatus.Processing)
        {
            progress.WriteLine($"Building version {version.VersionLabel} …");
        }

        while (version.Status == VersionStatus.Processing)
        {
            if (session.Time.GetUtcNow() >= deadline)
            {
                session.Output.Error.WriteLine($"sprout: timed out waiting for the build of version {version.VersionLabel}; "
                    + $"see `sprout versions` and its build log later.");
                return null;
            }

            await Task.Delay(BuildPollInterval, session.Time, cancellationToken).ConfigureAwait(false);
            version = await session.Api.GetVersionAsync(version.ApplicationName, version.VersionLabel, cancellationToken).ConfigureAwait(false);
        }

        if (version.Status == VersionStatus.Failed)
        {
            await ReportBuildFailureAsync(version, cancellationToken).ConfigureAwait(false);
            return null;
        }

        progress.WriteLine($"Version {version.VersionLabel} is built (platform {version.Platform ?? "unknown"}, start: {version.StartCommand ?? "-"}).");
        return version;
    }

    private async Task ReportBuildFailureAsync(VersionDto version, CancellationToken cancellationToken)
    {
        var error = session.Output.Error;
        error.WriteLine($"sprout: the build of version {version.VersionLabel} failed: {version.FailureReason ?? "no reason given"}");
        string log;
        try
        {
            log = await session.Api.GetBuildLogAsync(version.ApplicationName, version.VersionLabel, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException)
        {
            return;
        }

        var lines = log.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var tail = lines.TakeLast(BuildLogTailLines).ToList();
        error.WriteLine(tail.Count < lines.Count ? $"Last {tail.Count} lines of the build log:" : "Build log:");
        foreach (var line in tail)
        {
            error.WriteLine("  " + line);
        }
    }
}
