using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Api;
using Sprout.Core.Names;
using Sprout.Server.Store;

namespace Sprout.Server.Api;

internal static class ApplicationEndpoints
{
    public static void MapApplicationEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/applications").WithTags("Applications");

        group.MapGet("/", async (SproutStore store, CancellationToken ct) =>
        {
            var result = new List<ApplicationDto>();
            foreach (var application in await store.ListApplicationsAsync(ct))
            {
                result.Add(await DescribeAsync(store, application, ct));
            }

            return result;
        });

        group.MapPost("/", async (CreateApplicationRequest request, SproutStore store, CancellationToken ct) =>
        {
            if (ResourceNames.ValidateApplicationName(request.Name) is { } problem)
            {
                throw RequestRejectedException.Invalid("invalid_application_name", problem);
            }

            if (request.Description is { Length: > 200 })
            {
                throw RequestRejectedException.Invalid("invalid_description", "The description is longer than 200 characters.");
            }

            try
            {
                var row = await store.CreateApplicationAsync(request.Name, request.Description, ct);
                return Results.Created($"/api/applications/{Uri.EscapeDataString(row.Name)}", await DescribeAsync(store, row, ct));
            }
            catch (StoreConflictException e)
            {
                throw new RequestRejectedException(409, e.Code, e.Message);
            }
        });

        group.MapGet("/{application}", async (string application, SproutStore store, CancellationToken ct) =>
        {
            var row = await store.GetApplicationAsync(application, ct) ?? throw NotFound(application);
            return await DescribeAsync(store, row, ct);
        });
    }

    public static RequestRejectedException NotFound(string application) =>
        RequestRejectedException.NotFound("application_not_found", $"No application named {application}.");

    private static async Task<ApplicationDto> DescribeAsync(SproutStore store, ApplicationRow row, CancellationToken ct)
    {
        var versions = await store.ListVersionsAsync(row.Name, ct);
        var environments = await store.ListEnvironmentsAsync(row.Name, ct);
        return new ApplicationDto(row.Name, row.Description, row.Created, versions.Select(v => v.Label).ToList(), environments.Select(e => e.Name).ToList());
    }
}
