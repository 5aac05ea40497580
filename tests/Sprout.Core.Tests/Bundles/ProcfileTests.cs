using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public class ProcfileTests
{
    [Fact]
    public void Parse_NamesAndCommands_InFileOrder()
    {
        var procfile = Procfile.Parse("web: node server.js --port $PORT\nworker_1:python worker.py\nclock-2:   ./clock\n");

        Assert.Equal(
            [new ProcfileEntry("web", "node server.js --port $PORT"), new ProcfileEntry("worker_1", "python worker.py"), new ProcfileEntry("clock-2", "./clock")],
            procfile.Entries);
        Assert.Equal("node server.js --port $PORT", procfile.WebCommand);
        Assert.Equal("./clock", procfile.GetCommand("clock-2"));
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndCrLf_AreIgnored()
    {
        var procfile = Procfile.Parse("# processes\r\n\r\n   \r\nweb: bin/server   \r\n  # trailing comment\r\n");

        Assert.Single(procfile.Entries);
        Assert.Equal("bin/server", procfile.WebCommand);
    }

    [Fact]
    public void Parse_CommandKeepsColonsAndHashes()
    {
        var procfile = Procfile.Parse("web: gunicorn --bind 127.0.0.1:$PORT app:app # not a comment");

        Assert.Equal("gunicorn --bind 127.0.0.1:$PORT app:app # not a comment", procfile.WebCommand);
    }

    [Fact]
    public void Parse_Empty_HasNoEntries()
    {
        var procfile = Procfile.Parse("");

        Assert.Empty(procfile.Entries);
        Assert.Null(procfile.WebCommand);
    }

    [Theory]
    [InlineData("web node app.js", 1)]
    [InlineData("web:", 1)]
    [InlineData("web:    ", 1)]
    [InlineData("# ok\nweb: a\nmy web: b", 3)]
    [InlineData("web.1: a", 1)]
    [InlineData(": a", 1)]
    public void Parse_MalformedLine_FailsWithLineNumber(string text, int line)
    {
        var error = Assert.Throws<ProcfileFormatException>(() => Procfile.Parse(text));

        Assert.Equal(line, error.LineNumber);
        Assert.Contains($"line {line}", error.Message);
    }

    [Fact]
    public void Parse_DuplicateName_Fails()
    {
        var error = Assert.Throws<ProcfileFormatException>(() => Procfile.Parse("web: a\nweb: b"));

        Assert.Equal(2, error.LineNumber);
        Assert.Contains("'web'", error.Message);
    }

    [Fact]
    public void Parse_NamesAreCaseSensitive()
    {
        var procfile = Procfile.Parse("Web: a");

        Assert.Null(procfile.WebCommand);
        Assert.Equal("a", procfile.GetCommand("Web"));
    }
}
