using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Model;
using Sprout.Core.Names;
using Sprout.Server.Artifacts;
using Sprout.Server.Store;
using Sprout.Server.Versions;

namespace Sprout.Server.Api;

internal static class VersionEndpoints
{
    public static void MapVersionEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/applications/{application}/versions").WithTags("Versions");

        group.MapGet("/", async (string application, SproutStore store, CancellationToken ct) =>
        {
            _ = await store.GetApplicationAsync(application, ct) ?? throw ApplicationEndpoints.NotFound(application);
            return (await store.ListVersionsAsync(application, ct)).Select(v => v.ToDto()).ToList();
        });

        group.MapGet("/{label}", async (string application, string label, SproutStore store, CancellationToken ct) =>
            (await RequireAsync(store, application, label, ct)).ToDto());

        group.MapGet("/{label}/build-log", async (string application, string label, SproutStore store, ServerOptions options, CancellationToken ct) =>
        {
            var version = await RequireAsync(store, application, label, ct);
            var log = Path.Combine(options.BuildsDirectory, version.BundleSha256 + ".log");
            return File.Exists(log)
                ? Results.Text(await File.ReadAllTextAsync(log, ct), "text/plain")
                : Results.Text(version.Status == VersionStatus.Processing ? "(the build has not started yet)\n" : "(no build log kept)\n", "text/plain");
        });

        // The body is the zip itself, streamed to disk while it is hashed; it is never buffered in memory.
        group.MapPost("/", async (HttpContext context, string application, string? label, string? description, SproutStore store, IArtifactStore artifacts, VersionBuilds builds, ServerOptions options, CancellationToken ct) =>
        {
            if (ResourceNames.ValidateVersionLabel(label) is { } problem)
            {
                throw RequestRejectedException.Invalid("invalid_version_label", problem + " Pass it as ?label=.");
            }

            if (description is { Length: > 200 })
            {
                throw RequestRejectedException.Invalid("invalid_description", "The description is longer than 200 characters.");
            }

            _ = await store.GetApplicationAsync(application, ct) ?? throw ApplicationEndpoints.NotFound(application);
            if (await store.GetVersionAsync(application, label!, ct) is not null)
            {
                throw new RequestRejectedException(409, "version_exists", $"Application version {label} already exists in application {application}. Versions are immutable: choose another label, or deploy it with --version {label}.");
            }

            if (context.Request.ContentLength is { } length && length > options.MaxBundleBytes)
            {
                throw new BundleRejectedException("bundle_too_large", $"The bundle is {length:N0} bytes; the limit is {options.MaxBundleBytes:N0} bytes.", 413);
            }

            context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
            var expected = context.Request.Headers["X-Content-Sha256"].ToString();
            var stored = await artifacts.PutBundleAsync(context.Request.Body, expected.Length == 0 ? null : expected.ToLowerInvariant(), ct);
            var now = DateTimeOffset.UtcNow;
            var row = new VersionRow
            {
                Application = application,
                Label = label!,
                Description = description,
                Status = VersionStatus.Processing,
                BundleSha256 = stored.Sha256,
                BundleSize = stored.Size,
                Created = now,
                Updated = now,
            };
            try
            {
                await store.CreateVersionAsync(row, ct);
            }
            catch (StoreConflictException e)
            {
                throw new RequestRejectedException(409, e.Code, e.Message);
            }

            builds.Enqueue(application, row.Label, row.BundleSha256);
            return Results.Created($"/api/applications/{Uri.EscapeDataString(application)}/versions/{Uri.EscapeDataString(row.Label)}", row.ToDto());
        });
    }

    private static async Task<VersionRow> RequireAsync(SproutStore store, string application, string label, CancellationToken ct) =>
        await store.GetVersionAsync(application, label, ct)
        ?? throw RequestRejectedException.NotFound("version_not_found", $"Application {application} has no version labelled {label}.");
}
