using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public sealed class NpmStartScriptTests
{
    [Fact]
    public void TryParse_PlainStartScript_ReturnsScriptNameAndVersion()
    {
        var script = NpmStartScript.TryParse("""{ "name": "shop", "version": "1.2.3", "scripts": { "start": "node server.js", "test": "jest" } }""");

        Assert.Equal(new NpmStartScript("node server.js", "shop", "1.2.3"), script);
    }

    [Theory]
    [InlineData("""{ "scripts": { "prestart": "tsc", "start": "node dist/index.js" } }""")]
    [InlineData("""{ "scripts": { "start": "node index.js", "poststart": "echo started" } }""")]
    [InlineData("""{ "config": { "port": "8080" }, "scripts": { "start": "node index.js" } }""")]
    [InlineData("""{ "scripts": { "start": "   " } }""")]
    [InlineData("""{ "scripts": { "start": ["node", "index.js"] } }""")]
    [InlineData("""{ "scripts": { "test": "jest" } }""")]
    [InlineData("""{ "scripts": "node index.js" }""")]
    [InlineData("""[ "not", "a", "package" ]""")]
    [InlineData("""{ "scripts": { "start": "node index.js" """)]
    public void TryParse_WhenOnlyNpmRunsItFaithfully_ReturnsNull(string packageJson)
    {
        Assert.Null(NpmStartScript.TryParse(packageJson));
    }

    [Fact]
    public void TryParse_CommentsAndTrailingCommas_AreReadAsNpmReadsThem()
    {
        var script = NpmStartScript.TryParse("""{ "scripts": { "start": "node app.js", }, }""");

        Assert.Equal(new NpmStartScript("node app.js", null, null), script);
    }

    [Fact]
    public void Environment_SetsNpmLifecycleVariablesAndBinDirectoriesNearestFirst()
    {
        var script = new NpmStartScript("node server.js", "shop", "1.2.3");

        var variables = script.Environment("/srv/i-1/app", "/usr/bin:/bin", "/usr/bin/node");

        Assert.Equal("/srv/i-1/app/node_modules/.bin:/srv/i-1/node_modules/.bin:/srv/node_modules/.bin:/node_modules/.bin:/usr/bin:/bin", variables["PATH"]);
        Assert.Equal("start", variables["npm_lifecycle_event"]);
        Assert.Equal("start", variables["npm_command"]);
        Assert.Equal("node server.js", variables["npm_lifecycle_script"]);
        Assert.Equal("/srv/i-1/app/package.json", variables["npm_package_json"]);
        Assert.Equal("shop", variables["npm_package_name"]);
        Assert.Equal("1.2.3", variables["npm_package_version"]);
        Assert.Equal("/srv/i-1/app", variables["INIT_CWD"]);
        Assert.Equal("/usr/bin/node", variables["NODE"]);
        Assert.Equal("/usr/bin/node", variables["npm_node_execpath"]);
    }

    [Fact]
    public void Environment_WithoutNameVersionOrNode_LeavesThoseVariablesOut()
    {
        var variables = new NpmStartScript("node a.js", null, null).Environment("/app/", "", null);

        Assert.Equal("/app/node_modules/.bin:/node_modules/.bin", variables["PATH"]);
        Assert.False(variables.ContainsKey("npm_package_name"));
        Assert.False(variables.ContainsKey("npm_package_version"));
        Assert.False(variables.ContainsKey("NODE"));
    }

    [Fact]
    public void Environment_RelativeAppDirectory_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new NpmStartScript("node a.js", null, null).Environment("app", "/usr/bin", null));
    }
}
