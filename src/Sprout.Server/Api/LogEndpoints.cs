using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Sprout.Core.Api;
using Sprout.Server.Runtime;
using Sprout.Server.Store;

namespace Sprout.Server.Api;

internal static class LogEndpoints
{
    private static readonly string[] Streams = ["stdout", "stderr"];
    private static readonly TimeSpan StreamPollInterval = TimeSpan.FromMilliseconds(300);

    public static void MapLogEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/environments/{environment}/logs").WithTags("Logs");

        group.MapGet("/", async (string environment, string? lines, string? instance, SproutStore store, IRuntimeDriver driver, CancellationToken ct) =>
        {
            int? maxLines = lines is null ? 100 : lines == "all" ? null : int.TryParse(lines, out var n) && n > 0 ? n
                : throw RequestRejectedException.Invalid("invalid_lines", "lines must be a positive number or 'all'.");
            var row = await EnvironmentEndpoints.RequireAsync(store, environment, ct);
            var logs = new List<InstanceLogDto>();
            foreach (var handle in await HandlesAsync(store, row.Id, instance, ct))
            {
                foreach (var stream in Streams)
                {
                    logs.Add(new InstanceLogDto(handle.InstanceId, stream, await driver.ReadLogAsync(handle, stream, maxLines, ct)));
                }
            }

            return new LogsDto(row.Name, logs);
        });

        // Follows every instance's output as plain lines "i-… | stream | line" until the client hangs up.
        group.MapGet("/stream", async (HttpContext context, string environment, string? instance, SproutStore store, CancellationToken ct) =>
        {
            var row = await EnvironmentEndpoints.RequireAsync(store, environment, ct);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.ContentType = "text/plain; charset=utf-8";
            var positions = new Dictionary<string, long>(StringComparer.Ordinal);
            await context.Response.StartAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                foreach (var handle in await HandlesAsync(store, row.Id, instance, ct))
                {
                    foreach (var stream in Streams)
                    {
                        var path = Path.Combine(handle.InstanceDirectory, "logs", stream + ".log");
                        var key = handle.InstanceId + "/" + stream;
                        var text = ReadNew(path, positions, key);
                        if (text.Length == 0)
                        {
                            continue;
                        }

                        var output = new StringBuilder();
                        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        {
                            output.Append(handle.InstanceId).Append(" | ").Append(stream).Append(" | ").Append(line.TrimEnd('\r')).Append('\n');
                        }

                        await context.Response.WriteAsync(output.ToString(), ct);
                    }
                }

                await context.Response.Body.FlushAsync(ct);
                try
                {
                    await Task.Delay(StreamPollInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    private static async Task<List<InstanceHandle>> HandlesAsync(SproutStore store, string environmentId, string? instance, CancellationToken ct) =>
        (await store.ListLiveInstancesAsync(environmentId, ct))
            .Where(i => instance is null || i.Id == instance)
            .Select(i => i.Handle)
            .OfType<InstanceHandle>()
            .ToList();

    /// <summary>Reads the whole lines appended since the last call; a file that shrank was rotated (copy-truncate), so start again at 0.</summary>
    private static string ReadNew(string path, Dictionary<string, long> positions, string key)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The instance was cleaned up between listing and reading.
            return "";
        }

        using (file)
        {
            var firstRead = !positions.TryGetValue(key, out var position);
            if (firstRead)
            {
                // Start near the end, as `tail -f` does: the last few KiB.
                position = Math.Max(0, file.Length - 4096);
            }

            if (file.Length < position)
            {
                position = 0;
            }

            file.Seek(position, SeekOrigin.Begin);
            var bytes = new byte[file.Length - position];
            file.ReadExactly(bytes);
            var begin = 0;
            if (firstRead && position > 0)
            {
                // Started mid-file: skip the partial first line (and any split UTF-8 character in it).
                begin = Array.IndexOf(bytes, (byte)'\n') + 1;
            }

            var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            if (end <= begin)
            {
                positions[key] = position + begin;
                return "";
            }

            positions[key] = position + end;
            return Encoding.UTF8.GetString(bytes, begin, end - begin);
        }
    }
}
