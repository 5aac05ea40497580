using Sprout.Server.Builds;

namespace Sprout.Integration.Tests.Builds;

public class PlatformInstallerTests
{
    [Theory]
    [InlineData("""{"name":"x"}""", false)]
    [InlineData("""{"dependencies":{}}""", false)]
    [InlineData("""{"devDependencies":{"jest":"1"}}""", false)]
    [InlineData("""{"dependencies":{"express":"4"}}""", true)]
    public void HasNodeDependencies_OnlyForNonEmptyDependencies(string packageJson, bool expected)
    {
        Assert.Equal(expected, PlatformInstaller.HasNodeDependencies(packageJson));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("# only a comment\n\n   # another\n", false)]
    [InlineData("flask==3.0 # web\n", true)]
    [InlineData("# c\r\ngunicorn\r\n", true)]
    public void HasPythonRequirements_IgnoresCommentsAndBlankLines(string requirements, bool expected)
    {
        Assert.Equal(expected, PlatformInstaller.HasPythonRequirements(requirements));
    }
}
