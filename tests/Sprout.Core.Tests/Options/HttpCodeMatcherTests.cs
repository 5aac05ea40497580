using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class HttpCodeMatcherTests
{
    [Theory]
    [InlineData("200", 200, true)]
    [InlineData("200", 201, false)]
    [InlineData("200,202", 202, true)]
    [InlineData("200,202", 201, false)]
    [InlineData("200-299", 204, true)]
    [InlineData("200-299", 299, true)]
    [InlineData("200-299", 300, false)]
    [InlineData(" 200 - 204 , 301 ", 301, true)]
    [InlineData("200-204,301", 302, false)]
    public void Matches(string codes, int status, bool expected)
    {
        Assert.True(HttpCodeMatcher.TryParse(codes, out var matcher, out _));
        Assert.Equal(expected, matcher.Matches(status));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("100")]
    [InlineData("500")]
    [InlineData("299-200")]
    [InlineData("200,")]
    public void TryParse_Rejected(string codes) => Assert.False(HttpCodeMatcher.TryParse(codes, out _, out _));
}
