using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class HealthCheckUrlTests
{
    [Theory]
    [InlineData("/", null, null, "/")]
    [InlineData("/health?deep=1", null, null, "/health?deep=1")]
    [InlineData("HTTP:80/health", "HTTP", 80, "/health")]
    [InlineData("https:443/status/ok", "HTTPS", 443, "/status/ok")]
    [InlineData("TCP:8080", "TCP", 8080, "/")]
    public void TryParse_AcceptedForms(string value, string? protocol, int? port, string path)
    {
        Assert.True(HealthCheckUrl.TryParse(value, out var url, out _));
        Assert.Equal(new HealthCheckUrl(protocol, port, path), url);
    }

    [Theory]
    [InlineData("")]
    [InlineData("health")]
    [InlineData("HTTP:/health")]
    [InlineData("GOPHER:70/x")]
    [InlineData("HTTP:0/x")]
    public void TryParse_Rejected(string value)
    {
        Assert.False(HealthCheckUrl.TryParse(value, out _, out var problem));
        Assert.NotEmpty(problem);
    }
}
