using System.CommandLine;
using System.Net;
using Sprout.Cli.Http;
using Sprout.Server;
using Sprout.Server.Routing.Remote;

namespace Sprout.Cli.Commands;

/// <summary>
/// <c>sprout router</c>: a router in its own process that follows a control plane's routing table and
/// keeps serving the last one while the control plane is down or restarting.
/// </summary>
internal static class RouterCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new ServerOptions { DataDirectory = "~/.sprout" };
        var controlPlane = new Option<string>("--control-plane")
        {
            Description = "URL of the Sprout server whose routing table to follow, e.g. http://10.0.0.5:4510.",
            HelpName = "URL",
            Required = true,
        };
        var token = new Option<string?>("--token")
        {
            Description = "The server's API token (default: SPROUT_TOKEN).",
            HelpName = "TOKEN",
        };
        var address = new Option<string>("--address")
        {
            Description = "Address the router listens on (0.0.0.0 exposes it to the network).",
            HelpName = "IP",
            DefaultValueFactory = _ => defaults.HttpAddress.ToString(),
        };
        var httpPort = new Option<int>("--http-port")
        {
            Description = "Port the router serves the environments on (<cname>.<domain>:PORT).",
            HelpName = "PORT",
            DefaultValueFactory = _ => defaults.HttpPort,
        };
        var domain = new Option<string>("--domain")
        {
            Description = "Environments are served at <cname>.<domain> (named on the router's 404 page).",
            HelpName = "DOMAIN",
            DefaultValueFactory = _ => defaults.Domain,
        };
        Validation.Require(httpPort, value => value is >= 0 and <= 65535, "--http-port must be a port number from 0 to 65535.");
        Validation.Require(address, value => IPAddress.TryParse(value, out _), "--address must be an IP address such as 127.0.0.1 or 0.0.0.0.");

        var command = new Command("router", "Run a router in its own process that follows a Sprout server's routing table, until Ctrl-C.");
        foreach (var option in new Option[] { controlPlane, token, address, httpPort, domain })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                var url = ServerConnection.ParseUrl(parseResult.GetValue(controlPlane)!);
                var secret = parseResult.GetValue(token) ?? context.GetEnvironmentVariable("SPROUT_TOKEN")
                    ?? throw new UsageException("sprout router needs the server's API token: pass --token or set SPROUT_TOKEN (the file `token` in the server's data directory).");
                var options = StandaloneRouterOptions.Create(
                    url,
                    secret.Trim(),
                    IPAddress.Parse(parseResult.GetValue(address)!),
                    parseResult.GetValue(httpPort),
                    parseResult.GetValue(domain)!);
                return await StandaloneRouter.RunAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (CommandRunner.TryReport(context, ex, connection: null, cancellationToken, out var exitCode))
            {
                return exitCode;
            }
        });
        return command;
    }
}
