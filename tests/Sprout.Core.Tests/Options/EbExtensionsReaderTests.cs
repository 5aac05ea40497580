using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Tests.Options;

public class EbExtensionsReaderTests
{
    private static EbExtensionsResult Read(params (string FileName, string Content)[] files) => EbExtensionsReader.Read(files);

    [Fact]
    public void Read_LongForm()
    {
        var result = Read((".ebextensions/01.config", """
            option_settings:
              - namespace: aws:autoscaling:asg
                option_name: MinSize
                value: 2
              - option_name: GREETING
                value: hello world
              - namespace: aws:autoscaling:scheduledaction
                resource_name: Night
                option_name: MaxSize
                value: "1"
            """));
        Assert.Empty(result.Warnings);
        Assert.Equal(
            [
                new OptionSetting("aws:autoscaling:asg", "MinSize", "2"),
                new OptionSetting("aws:elasticbeanstalk:application:environment", "GREETING", "hello world"),
                new OptionSetting("aws:autoscaling:scheduledaction", "MaxSize", "1", "Night"),
            ],
            result.OptionSettings);
    }

    [Fact]
    public void Read_ShortForm_WithResourceScope()
    {
        var result = Read(("scale.config", """
            option_settings:
              aws:autoscaling:asg:
                MinSize: 2
                MaxSize: 6
              aws:elasticbeanstalk:application:
                Application Healthcheck URL: /health
              Night.aws:autoscaling:scheduledaction:
                MinSize: 0
                Recurrence: "0 22 * * *"
            """));
        Assert.Empty(result.Warnings);
        Assert.Equal(
            [
                new OptionSetting("aws:autoscaling:asg", "MinSize", "2"),
                new OptionSetting("aws:autoscaling:asg", "MaxSize", "6"),
                new OptionSetting("aws:elasticbeanstalk:application", "Application Healthcheck URL", "/health"),
                new OptionSetting("aws:autoscaling:scheduledaction", "MinSize", "0", "Night"),
                new OptionSetting("aws:autoscaling:scheduledaction", "Recurrence", "0 22 * * *", "Night"),
            ],
            result.OptionSettings);
    }

    [Fact]
    public void Read_ScalarsKeepTheirText_BooleansNormalised()
    {
        var result = Read(("a.config", """
            option_settings:
              aws:elasticbeanstalk:application:environment:
                FLAG: True
                QUOTED: "TRUE"
                NUMBER: 007
                FLOAT: 1.50
                EMPTY:
            """));
        Assert.Equal(
            ["true", "TRUE", "007", "1.50", ""],
            result.OptionSettings.Select(s => s.Value));
    }

    [Fact]
    public void Read_JsonConfig()
    {
        var result = Read(("options.config", """
            {
            	"option_settings": [
            		{ "namespace": "aws:elasticbeanstalk:command", "option_name": "DeploymentPolicy", "value": "Rolling" },
            		{ "namespace": "aws:elasticbeanstalk:command", "option_name": "IgnoreHealthCheck", "value": true },
            		{ "option_name": "PORT", "value": 5000 }
            	],
            	"commands": { "01": { "command": "echo hi" } }
            }
            """));
        Assert.Empty(result.Warnings);
        Assert.Equal(
            [
                new OptionSetting("aws:elasticbeanstalk:command", "DeploymentPolicy", "Rolling"),
                new OptionSetting("aws:elasticbeanstalk:command", "IgnoreHealthCheck", "true"),
                new OptionSetting("aws:elasticbeanstalk:application:environment", "PORT", "5000"),
            ],
            result.OptionSettings);
        var commands = Assert.Single(result.Sections);
        Assert.Equal("commands", commands.Key);
        var first = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(commands.Value)["01"]);
        Assert.Equal("echo hi", first["command"]);
    }

    [Fact]
    public void Read_LaterFileInOrdinalOrderWins()
    {
        var result = Read(
            ("b.config", "option_settings:\n  aws:autoscaling:asg:\n    MinSize: 3\n"),
            ("a.config", "option_settings:\n  aws:autoscaling:asg:\n    MinSize: 2\n    MaxSize: 5\n"),
            ("B.config", "option_settings:\n  aws:autoscaling:asg:\n    MinSize: 9\n"));
        Assert.Empty(result.Warnings);
        Assert.Equal(
            [new OptionSetting("aws:autoscaling:asg", "MinSize", "3"), new OptionSetting("aws:autoscaling:asg", "MaxSize", "5")],
            result.OptionSettings);
    }

    [Fact]
    public void Read_NonConfigFiles_Skipped()
    {
        var result = Read(("notes.yaml", "option_settings:\n  aws:autoscaling:asg:\n    MinSize: 3\n"), ("x.CONFIG", "option_settings: {}"));
        Assert.Empty(result.OptionSettings);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Read_BrokenYaml_FileIgnoredWithWarningNamingFileAndLine()
    {
        var result = Read(
            ("01-good.config", "option_settings:\n  aws:autoscaling:asg:\n    MinSize: 2\n"),
            ("02-broken.config", "option_settings:\n  aws:autoscaling:asg:\n    MaxSize: 3\n   bad: [unclosed\n"));
        Assert.Equal([new OptionSetting("aws:autoscaling:asg", "MinSize", "2")], result.OptionSettings);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("02-broken.config line ", warning);
        Assert.EndsWith("The file is ignored.", warning);
    }

    [Fact]
    public void Read_UnknownTopLevelKey_FileIgnoredWithSuggestion()
    {
        var result = Read(("typo.config", "packages:\n  yum:\n    git: []\noption_setting:\n  aws:autoscaling:asg:\n    MinSize: 2\n"));
        Assert.Empty(result.OptionSettings);
        Assert.Empty(result.Sections);
        Assert.Equal(
            "typo.config line 4: unknown top-level key 'option_setting' (did you mean option_settings?). The file is ignored.",
            Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_OtherKnownSections_KeptRawWithoutWarning()
    {
        var result = Read(("setup.config", """
            packages:
              yum:
                git: []
            container_commands:
              01_migrate:
                command: "dotnet ef database update"
                leader_only: true
            Resources:
              AWSEBAutoScalingGroup:
                Properties:
                  HealthCheckType: ELB
            """));
        Assert.Empty(result.Warnings);
        Assert.Equal(["packages", "container_commands", "Resources"], result.Sections.Select(s => s.Key));
        Assert.All(result.Sections, s => Assert.Equal("setup.config", s.FileName));
        var migrate = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)result.Sections[1].Value!)["01_migrate"]!;
        Assert.Equal("true", migrate["leader_only"]);
    }

    [Fact]
    public void Read_LongFormEntryWithoutOptionName_FileIgnored()
    {
        var result = Read(("bad.config", "option_settings:\n  - namespace: aws:autoscaling:asg\n    value: 2\n"));
        Assert.Empty(result.OptionSettings);
        Assert.Equal("bad.config line 2: an option_settings entry has no option_name. The file is ignored.", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_ShortFormMappingValue_FileIgnored()
    {
        var result = Read(("bad.config", "option_settings:\n  aws:autoscaling:asg:\n    MinSize:\n      nested: 1\n"));
        Assert.Empty(result.OptionSettings);
        Assert.StartsWith("bad.config line 4: the value of aws:autoscaling:asg MinSize must be a single value.", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_TopLevelNotAMapping_FileIgnored()
    {
        var result = Read(("list.config", "- option_settings\n"));
        Assert.Equal("list.config line 1: the top level must be a mapping of keys such as option_settings. The file is ignored.", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_EmptyOrCommentOnlyFile_ContributesNothing()
    {
        var result = Read(("empty.config", ""), ("comments.config", "# nothing yet\n"));
        Assert.Empty(result.OptionSettings);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Read_ListValue_BecomesCommaList()
    {
        var result = Read(("zones.config", "option_settings:\n  aws:autoscaling:asg:\n    Custom Availability Zones: [us-east-1a, us-east-1b]\n"));
        Assert.Equal("us-east-1a,us-east-1b", Assert.Single(result.OptionSettings).Value);
    }

    [Fact]
    public void Read_DuplicateKey_FileIgnoredWithWarning()
    {
        var result = Read(("dup.config", "option_settings:\n  aws:autoscaling:asg:\n    MinSize: 2\n    MinSize: 3\n"));
        Assert.Empty(result.OptionSettings);
        Assert.StartsWith("dup.config line ", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_RecursiveAlias_FileIgnoredInsteadOfOverflowing()
    {
        var result = Read(("loop.config", "commands: &x\n  again: *x\n"));
        Assert.Empty(result.Sections);
        Assert.Equal("loop.config line 1: section 'commands' nests too deeply or expands aliases too far. The file is ignored.", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_ExponentialAliases_FileIgnored()
    {
        var yaml = "Mappings:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n" + string.Concat(
            "bcdef".Select((c, i) => $"  {c}: &{c} [{string.Join(",", Enumerable.Repeat("*" + "abcdef"[i], 10))}]\n"));
        var result = Read(("laughs.config", yaml));
        Assert.Empty(result.Sections);
        Assert.StartsWith("laughs.config line 1: section 'Mappings' nests too deeply", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Read_DeeplyNestedFlowCollections_FileIgnoredInsteadOfOverflowing()
    {
        var result = Read(("deep.config", "commands: " + new string('[', 200_000) + new string(']', 200_000) + "\n"));
        Assert.Equal("deep.config line 1: the file nests collections more than 64 levels deep. The file is ignored.", Assert.Single(result.Warnings));
    }
}
