using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class EnvironmentPropertyRulesTests
{
    private const string Ns = "aws:elasticbeanstalk:application:environment";

    [Theory]
    [InlineData("DATABASE_URL")]
    [InlineData("app.setting:name/sub+x\\y-z@v")]
    [InlineData("lower_case_1")]
    public void Validate_AllowedKeyCharacters(string key) =>
        Assert.Empty(OptionValidator.Validate([new OptionSetting(Ns, key, "v")]));

    [Theory]
    [InlineData("HAS SPACE")]
    [InlineData("DOLLAR$")]
    [InlineData("equals=")]
    [InlineData("")]
    public void Validate_ForbiddenKey_NamesProperty(string key)
    {
        var error = Assert.Single(OptionValidator.Validate([new OptionSetting(Ns, key, "v")]));
        Assert.StartsWith($"{Ns} {key}: ", error.Message);
    }

    [Fact]
    public void Validate_KeyLongerThan128() =>
        Assert.Contains(
            "the limit is 128",
            Assert.Single(OptionValidator.Validate([new OptionSetting(Ns, new string('K', 129), "v")])).Message);

    [Fact]
    public void Validate_Key128_IsFine() =>
        Assert.Empty(OptionValidator.Validate([new OptionSetting(Ns, new string('K', 128), "v")]));

    [Fact]
    public void Validate_ValueLongerThan256() =>
        Assert.Equal(
            $"{Ns} BIG: the value is 257 characters long; the limit is 256.",
            Assert.Single(OptionValidator.Validate([new OptionSetting(Ns, "BIG", new string('v', 257))])).Message);

    [Fact]
    public void Validate_TotalExactly4096Bytes_IsFine()
    {
        // 16 properties of "Kxx=" (4 bytes) + 252-byte value = 256 bytes each → 4096.
        var settings = Enumerable.Range(0, 16).Select(i => new OptionSetting(Ns, $"K{i:00}", new string('v', 252)));
        Assert.Empty(OptionValidator.Validate(settings));
    }

    [Fact]
    public void Validate_TotalOver4096Bytes_BlamesPropertyThatCrossed()
    {
        var settings = Enumerable.Range(0, 16).Select(i => new OptionSetting(Ns, $"K{i:00}", new string('v', 252)))
            .Append(new OptionSetting(Ns, "EXTRA", "1"));
        var error = Assert.Single(OptionValidator.Validate(settings));
        Assert.Equal(new OptionKey(Ns, "EXTRA"), error.Key);
        Assert.Equal($"{Ns} EXTRA: the 17 environment properties take 4103 bytes as key=value strings; the limit is 4096.", error.Message);
    }

    [Fact]
    public void ByteCount_CountsUtf8Bytes() =>
        Assert.Equal(1 + 1 + 2, EnvironmentPropertyRules.ByteCount("K", "é"));

    [Fact]
    public void Validate_TotalCountsOverriddenValueOnce()
    {
        var settings = Enumerable.Range(0, 16).Select(i => new OptionSetting(Ns, $"K{i:00}", new string('v', 252)))
            .Append(new OptionSetting(Ns, "K00", new string('w', 252)));
        Assert.Empty(OptionValidator.Validate(settings));
    }
}
