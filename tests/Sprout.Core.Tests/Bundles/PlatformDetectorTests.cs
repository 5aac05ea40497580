using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public class PlatformDetectorTests
{
    private static DetectedPlatform Detect(params (string Name, string Text)[] files)
    {
        var byName = files.ToDictionary(f => f.Name, f => f.Text);
        return PlatformDetector.Detect(byName.Keys, name => byName.GetValueOrDefault(name));
    }

    private static PlatformDetectionException DetectFails(params (string Name, string Text)[] files) =>
        Assert.Throws<PlatformDetectionException>(() => Detect(files));

    [Fact]
    public void Procfile_WithoutPlatformFiles_IsProcfilePlatform()
    {
        var detected = Detect(("Procfile", "web: ./serve.sh"), ("serve.sh", "#!/bin/sh"));

        Assert.Equal("procfile", detected.Platform);
        Assert.Equal("./serve.sh", detected.DefaultStartCommand);
        Assert.True(detected.StartsFromProcfile);
        Assert.Contains("Procfile", detected.Reason);
    }

    [Fact]
    public void Procfile_Web_WinsOverNodeDefault_ButKeepsNodeForInstall()
    {
        var detected = Detect(("Procfile", "web: node worker.js"), ("package.json", """{"scripts":{"start":"node app.js"}}"""), ("app.js", ""));

        Assert.Equal("node", detected.Platform);
        Assert.Equal("node worker.js", detected.DefaultStartCommand);
        Assert.True(detected.StartsFromProcfile);
    }

    [Fact]
    public void Procfile_Web_MakesPlatformWithoutEntryPointBuildable()
    {
        var node = Detect(("Procfile", "web: node main.js"), ("package.json", "{}"));
        var python = Detect(("Procfile", "web: .venv/bin/python serve.py"), ("requirements.txt", "flask"));
        var dotnet = Detect(("Procfile", "web: dotnet x.dll"), ("A.csproj", "<Project/>"));

        Assert.Equal(("node", "node main.js"), (node.Platform, node.DefaultStartCommand));
        Assert.Equal(("python", ".venv/bin/python serve.py"), (python.Platform, python.DefaultStartCommand));
        Assert.Equal("dotnet x.dll", dotnet.DefaultStartCommand);
    }

    [Fact]
    public void Procfile_WithoutWeb_FallsBackToPlatformDefault()
    {
        var detected = Detect(("Procfile", "worker: node worker.js"), ("package.json", "{}"), ("server.js", ""));

        Assert.Equal("node server.js", detected.DefaultStartCommand);
        Assert.False(detected.StartsFromProcfile);
        Assert.NotNull(detected.Procfile);
    }

    [Fact]
    public void Procfile_WithoutWeb_AndNoPlatform_Fails()
    {
        var error = DetectFails(("Procfile", "worker: ./work"));

        Assert.Contains("no web: line", error.Message);
    }

    [Fact]
    public void Procfile_Malformed_FailsWithLineNumber()
    {
        var error = DetectFails(("Procfile", "# hi\nweb node app.js"), ("package.json", "{}"));

        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void Node_StartScript_UsesNpmStart()
    {
        var detected = Detect(("package.json", """{"name":"x","scripts":{"start":"node main.js"}}"""), ("app.js", ""));

        Assert.Equal(("node", "npm start"), (detected.Platform, detected.DefaultStartCommand));
    }

    [Theory]
    [InlineData(new[] { "app.js", "server.js", "index.js" }, "node app.js")]
    [InlineData(new[] { "server.js", "index.js" }, "node server.js")]
    [InlineData(new[] { "index.js" }, "node index.js")]
    public void Node_WithoutStartScript_UsesBeanstalkEntryOrder(string[] entries, string expected)
    {
        var files = entries.Select(e => (e, "")).Append(("package.json", """{"scripts":{"test":"x"}}""")).ToArray();

        Assert.Equal(expected, Detect(files).DefaultStartCommand);
    }

    [Fact]
    public void Node_WithoutAnyEntry_FailsSayingWhatToAdd()
    {
        var error = DetectFails(("package.json", """{"scripts":{"start":""}}"""), ("main.js", ""));

        Assert.Contains("scripts.start", error.Message);
        Assert.Contains("Procfile", error.Message);
    }

    [Fact]
    public void Node_InvalidPackageJson_Fails()
    {
        var error = DetectFails(("package.json", "{ not json"), ("app.js", ""));

        Assert.Contains("package.json is not valid JSON", error.Message);
    }

    [Fact]
    public void Node_WinsOverPython()
    {
        Assert.Equal("node", Detect(("package.json", "{}"), ("app.js", ""), ("application.py", "application = 1")).Platform);
    }

    [Theory]
    [InlineData("def application(environ, start_response):\n    pass\n")]
    [InlineData("import os\napplication = make_app()\n")]
    [InlineData("from app import app as application\n")]
    [InlineData("application: Callable = app\n")]
    public void Python_ApplicationPy_UsesWsgiRunner(string source)
    {
        var detected = Detect(("application.py", source), ("requirements.txt", "# none"));

        Assert.Equal("python", detected.Platform);
        Assert.Equal(PlatformDetector.PythonWsgiRunnerStartCommand, detected.DefaultStartCommand);
    }

    [Fact]
    public void Python_ApplicationPyAlone_IsPython()
    {
        Assert.Equal("python", Detect(("application.py", "application = app")).Platform);
    }

    [Fact]
    public void Python_ApplicationPyWithoutCallable_FailsPointingAtProcfile()
    {
        var error = DetectFails(("application.py", "import http.server\nhttp.server.test()\n"));

        Assert.Contains("'application'", error.Message);
        Assert.Contains("Procfile", error.Message);
    }

    [Fact]
    public void Python_RequirementsWithoutApplicationPy_Fails()
    {
        var error = DetectFails(("requirements.txt", "flask"), ("app.py", ""));

        Assert.Contains("no application.py", error.Message);
    }

    [Fact]
    public void Python_WinsOverDotnet()
    {
        Assert.Equal("python", Detect(("application.py", "application = 1"), ("App.csproj", "<Project/>")).Platform);
    }

    [Fact]
    public void Dotnet_Csproj_PublishesAndRunsTheDll()
    {
        var detected = Detect(("Hello.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>"));

        Assert.Equal("dotnet", detected.Platform);
        Assert.Equal("dotnet .sprout/publish/Hello.dll --urls http://127.0.0.1:$PORT", detected.DefaultStartCommand);
    }

    [Fact]
    public void Dotnet_AssemblyName_IsHonoured()
    {
        var detected = Detect(("Hello.csproj", "<Project><PropertyGroup><AssemblyName>My App</AssemblyName></PropertyGroup></Project>"));

        Assert.Equal("dotnet '.sprout/publish/My App.dll' --urls http://127.0.0.1:$PORT", detected.DefaultStartCommand);
    }

    [Fact]
    public void Dotnet_SeveralProjects_Fails()
    {
        var error = DetectFails(("A.csproj", "<Project/>"), ("B.csproj", "<Project/>"));

        Assert.Contains("A.csproj, B.csproj", error.Message);
    }

    [Fact]
    public void Dotnet_WinsOverGo()
    {
        Assert.Equal("dotnet", Detect(("A.csproj", "<Project/>"), ("go.mod", "module x")).Platform);
    }

    [Fact]
    public void Go_GoMod_BuildsApplication()
    {
        var detected = Detect(("go.mod", "module example.com/app"), ("main.go", "package main"), ("index.html", ""));

        Assert.Equal(("go", "./application"), (detected.Platform, detected.DefaultStartCommand));
    }

    [Fact]
    public void Static_IndexHtml_ServedByPython()
    {
        var detected = Detect(("index.html", "<h1>hi</h1>"));

        Assert.Equal(("static", "/usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT"), (detected.Platform, detected.DefaultStartCommand));
    }

    [Fact]
    public void Unknown_FailsListingWhatToAdd()
    {
        var error = DetectFails(("README.md", "hi"), ("main.rb", ""));

        Assert.Equal(PlatformDetector.UnknownPlatformMessage, error.Message);
    }

    [Fact]
    public void FileNames_AreCaseSensitive()
    {
        DetectFails(("procfile", "web: x"), ("Index.html", ""), ("Package.json", "{}"));
    }
}
