using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sprout.Core.Options;

/// <summary>
/// <c>Application Healthcheck URL</c> / <c>aws:elb:healthcheck Target</c>: either a path (<c>/health</c>) or
/// Beanstalk's <c>PROTO:PORT/path</c> form (<c>HTTPS:443/health</c>, <c>TCP:80</c>).
/// </summary>
/// <param name="Protocol">Upper-case protocol when the PROTO:PORT form was used.</param>
/// <param name="Path">The request path; <c>/</c> when the form has none (a TCP check).</param>
public readonly record struct HealthCheckUrl(string? Protocol, int? Port, string Path)
{
    private static readonly string[] Protocols = ["HTTP", "HTTPS", "TCP", "SSL"];

    public static bool TryParse(string? value, [NotNullWhen(true)] out HealthCheckUrl? url, [NotNullWhen(false)] out string? problem)
    {
        url = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "a health check URL must not be empty.";
            return false;
        }

        if (value.StartsWith('/'))
        {
            url = new HealthCheckUrl(null, null, value);
            return true;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (colon <= 0 || (slash >= 0 && slash < colon))
        {
            problem = $"'{value}' is neither a path starting with '/' nor PROTO:PORT/path.";
            return false;
        }

        var protocol = value[..colon].ToUpperInvariant();
        if (!Protocols.Contains(protocol))
        {
            problem = $"'{value}' has protocol '{value[..colon]}'; expected one of {string.Join(", ", Protocols)}.";
            return false;
        }

        var portText = slash < 0 ? value[(colon + 1)..] : value[(colon + 1)..slash];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = $"'{value}' has port '{portText}'; expected a number from 1 to 65535.";
            return false;
        }

        url = new HealthCheckUrl(protocol, port, slash < 0 ? "/" : value[slash..]);
        return true;
    }
}
