using System.CommandLine;
using System.Net;
using Sprout.Server;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout server</c>: runs the control plane and the router in this process until Ctrl-C or SIGTERM.</summary>
internal static class ServerCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new ServerOptions { DataDirectory = "~/.sprout" };
        var dataDirectory = new Option<string>("--data-dir")
        {
            Description = "Where Sprout keeps its database, bundles, builds, instances and API token (default /var/lib/sprout as root, else ~/.sprout).",
            HelpName = "DIR",
            DefaultValueFactory = _ => context.GetEnvironmentVariable("SPROUT_DATA_DIR") ?? ServerOptions.DefaultDataDirectory(context.HomeDirectory),
        };
        var apiPort = new Option<int>("--api-port")
        {
            Description = "Port of the JSON API that the CLI talks to.",
            HelpName = "PORT",
            DefaultValueFactory = _ => defaults.ApiPort,
        };
        var httpPort = new Option<int>("--http-port")
        {
            Description = "Port of the router that serves the environments (<cname>.<domain>:PORT).",
            HelpName = "PORT",
            DefaultValueFactory = _ => defaults.HttpPort,
        };
        var domain = new Option<string>("--domain")
        {
            Description = "Environments are served at <cname>.<domain>.",
            HelpName = "DOMAIN",
            DefaultValueFactory = _ => defaults.Domain,
        };
        var apiAddress = new Option<string>("--api-address")
        {
            Description = "Address the API listens on (0.0.0.0 exposes it to the network).",
            HelpName = "IP",
            DefaultValueFactory = _ => defaults.ApiAddress.ToString(),
        };
        var httpAddress = new Option<string>("--http-address")
        {
            Description = "Address the router listens on.",
            HelpName = "IP",
            DefaultValueFactory = _ => defaults.HttpAddress.ToString(),
        };
        var maxBundle = new Option<int>("--max-bundle-mb")
        {
            Description = "Largest source bundle an upload may send, in MiB.",
            HelpName = "MB",
            DefaultValueFactory = _ => (int)(defaults.MaxBundleBytes / (1024 * 1024)),
        };
        var appUser = new Option<string>("--app-user")
        {
            Description = "When the server runs as root, builds and instances run as this user (empty to disable).",
            HelpName = "USER",
            DefaultValueFactory = _ => defaults.AppUser ?? string.Empty,
        };
        var accessLog = new Option<string?>("--access-log")
        {
            Description = "Write the router's access log (one JSON line per request) to this file, or - for standard output. Off by default.",
            HelpName = "PATH",
        };
        var instancePorts = new Option<string?>("--instance-ports")
        {
            Description = $"Ports handed to instances, FIRST-LAST (default {defaults.InstancePortRangeStart}-{defaults.InstancePortRangeEnd}).",
            HelpName = "FIRST-LAST",
        };
        Validation.Require(instancePorts, value => value is null || ParsePortRange(value) is not null,
            "--instance-ports must be FIRST-LAST with 1024 <= FIRST < LAST <= 65535, e.g. 20000-29999.");
        var http2Port = new Option<int?>("--http2-port")
        {
            Description = "Also serve HTTP/2 without TLS (h2c, prior knowledge) on this router port.",
            HelpName = "PORT",
        };
        Validation.Require(http2Port, value => value is null or (>= 0 and <= 65535), "--http2-port must be a port number from 0 to 65535.");
        var trustedProxies = new Option<string?>("--trusted-proxies")
        {
            Description = "Comma list of addresses or CIDR networks (a load balancer in front of Sprout) whose X-Forwarded-* headers the router keeps.",
            HelpName = "CIDRS",
        };
        Validation.Require(trustedProxies, value => value is null || value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(IsNetwork),
            "--trusted-proxies must be a comma list of IP addresses or CIDR networks such as 10.0.0.0/8.");
        foreach (var port in new[] { apiPort, httpPort })
        {
            Validation.Require(port, value => value is >= 0 and <= 65535, $"{port.Name} must be a port number from 0 to 65535.");
        }

        foreach (var address in new[] { apiAddress, httpAddress })
        {
            Validation.Require(address, value => IPAddress.TryParse(value, out _), $"{address.Name} must be an IP address such as 127.0.0.1 or 0.0.0.0.");
        }

        Validation.Require(maxBundle, value => value > 0, "--max-bundle-mb must be a positive number.");

        var command = new Command("server", "Run the Sprout server (API, builder, instances and router) in the foreground until Ctrl-C.");
        foreach (var option in new Option[] { dataDirectory, apiPort, httpPort, domain, apiAddress, httpAddress, maxBundle, appUser, accessLog, http2Port, trustedProxies, instancePorts })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var user = parseResult.GetValue(appUser);
            var options = new ServerOptions
            {
                DataDirectory = ExpandHome(parseResult.GetValue(dataDirectory)!, context),
                ApiPort = parseResult.GetValue(apiPort),
                HttpPort = parseResult.GetValue(httpPort),
                Domain = parseResult.GetValue(domain)!,
                ApiAddress = IPAddress.Parse(parseResult.GetValue(apiAddress)!),
                HttpAddress = IPAddress.Parse(parseResult.GetValue(httpAddress)!),
                MaxBundleBytes = parseResult.GetValue(maxBundle) * 1024L * 1024L,
                AppUser = string.IsNullOrEmpty(user) ? null : user,
                AccessLogPath = parseResult.GetValue(accessLog) is { Length: > 0 } path && path != "-" ? ExpandHome(path, context) : parseResult.GetValue(accessLog),
                Http2Port = parseResult.GetValue(http2Port),
                InstancePortRangeStart = ParsePortRange(parseResult.GetValue(instancePorts))?.First ?? defaults.InstancePortRangeStart,
                InstancePortRangeEnd = ParsePortRange(parseResult.GetValue(instancePorts))?.Last ?? defaults.InstancePortRangeEnd,
                TrustedProxies = parseResult.GetValue(trustedProxies) is { } proxies
                    ? proxies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ProxyNetworks.Parse).ToList()
                    : defaults.TrustedProxies,
            };
            try
            {
                return await context.RunServer(options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C or SIGTERM is how a foreground server is meant to stop.
                return ExitCodes.Success;
            }
        });
        return command;
    }

    private static string ExpandHome(string path, CliContext context)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Combine(context.HomeDirectory, path.Length > 2 ? path[2..] : string.Empty);
        }

        return Path.GetFullPath(path, context.WorkingDirectory);
    }

    private static (int First, int Last)? ParsePortRange(string? value)
    {
        var parts = value?.Split('-', StringSplitOptions.TrimEntries);
        return parts is [var first, var last]
            && int.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out var start)
            && int.TryParse(last, System.Globalization.CultureInfo.InvariantCulture, out var end)
            && start is >= 1024 and <= 65535 && end is >= 1024 and <= 65535 && start < end
            ? (start, end)
            : null;
    }

    private static bool IsNetwork(string value)
    {
        try
        {
            ProxyNetworks.Parse(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
