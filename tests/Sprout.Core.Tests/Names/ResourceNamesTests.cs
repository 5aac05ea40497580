using Sprout.Core.Names;

namespace Sprout.Core.Tests.Names;

public sealed class ResourceNamesTests
{
    [Theory]
    [InlineData("myapp-dev")]
    [InlineData("abcd")]
    [InlineData("A1b2-C3d4")]
    public void ValidEnvironmentNames_AreAccepted(string name) => Assert.Null(ResourceNames.ValidateEnvironmentName(name));

    [Theory]
    [InlineData("abc", "4 to 40")]
    [InlineData("-abcd", "must not start or end")]
    [InlineData("abcd-", "must not start or end")]
    [InlineData("ab_cd", "letters, digits and hyphens")]
    [InlineData("my.app", "letters, digits and hyphens")]
    [InlineData("", "required")]
    public void InvalidEnvironmentNames_SayWhy(string name, string reason) =>
        Assert.Contains(reason, ResourceNames.ValidateEnvironmentName(name), StringComparison.Ordinal);

    [Fact]
    public void EnvironmentNameOf41Characters_IsRefused() =>
        Assert.NotNull(ResourceNames.ValidateEnvironmentName(new string('a', 41)));

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData(" padded")]
    [InlineData("..")]
    [InlineData("tab\there")]
    public void ApplicationNamesThatCouldEscapeAPathOrUrl_AreRefused(string name) =>
        Assert.NotNull(ResourceNames.ValidateApplicationName(name));

    [Fact]
    public void VersionLabelOf101Characters_IsRefused() =>
        Assert.Contains("longer than 100", ResourceNames.ValidateVersionLabel(new string('v', 101)), StringComparison.Ordinal);

    [Theory]
    [InlineData("app-2026.11.22_1")]
    [InlineData("v1")]
    public void OrdinaryVersionLabels_AreAccepted(string label) => Assert.Null(ResourceNames.ValidateVersionLabel(label));
}
