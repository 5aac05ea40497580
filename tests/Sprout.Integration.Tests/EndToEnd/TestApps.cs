using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>Small apps written on the fly for failure cases, and copies of the samples to vary.</summary>
internal static class TestApps
{
    private static readonly string ScratchRoot = CreateScratchRoot();

    public static string Scratch(string name)
    {
        var directory = Path.Combine(ScratchRoot, Guid.NewGuid().ToString("N")[..8], name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>One folder per test run, removed when the test host exits.</summary>
    private static string CreateScratchRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "sprout-apps-" + Environment.ProcessId);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    }

    /// <summary>A Node.js app that listens but answers every request with HTTP 500.</summary>
    public static string AlwaysFailing()
    {
        var directory = Scratch("failing");
        File.WriteAllText(Path.Combine(directory, "Procfile"), "web: node failing.js\n");
        File.WriteAllText(Path.Combine(directory, "failing.js"), """
            require('http').createServer((req, res) => { res.statusCode = 500; res.end('broken\n'); })
              .listen(Number(process.env.PORT), '127.0.0.1');
            """);
        return directory;
    }

    /// <summary>A Node.js app that is healthy until asked to break: after GET /break its health check answers 500 (its process stays up).</summary>
    public static string Breakable()
    {
        var directory = Scratch("breakable");
        File.WriteAllText(Path.Combine(directory, "Procfile"), "web: node breakable.js\n");
        File.WriteAllText(Path.Combine(directory, "breakable.js"), """
            let broken = false;
            require('http').createServer((req, res) => {
              if (req.url === '/break') { broken = true; res.end('broken now\n'); return; }
              res.statusCode = broken ? 500 : 200;
              res.end(`instance=${process.env.SPROUT_INSTANCE_ID}\n`);
            }).listen(Number(process.env.PORT), '127.0.0.1');
            """);
        return directory;
    }

    /// <summary>An app whose process exits at once, every time.</summary>
    public static string Crashing()
    {
        var directory = Scratch("crashing");
        File.WriteAllText(Path.Combine(directory, "Procfile"), "web: node crash.js\n");
        File.WriteAllText(Path.Combine(directory, "crash.js"), "console.error('fatal: cannot start'); process.exit(3);\n");
        return directory;
    }

    /// <summary>A Node.js bundle whose dependency cannot be installed, so the build fails.</summary>
    public static string BrokenBuild()
    {
        var directory = Scratch("broken");
        File.WriteAllText(Path.Combine(directory, "package.json"), """
            { "name": "broken", "version": "1.0.0", "scripts": { "start": "node app.js" },
              "dependencies": { "missing-local": "file:./does-not-exist.tgz" } }
            """);
        File.WriteAllText(Path.Combine(directory, "app.js"), "require('http').createServer((q, s) => s.end('x')).listen(process.env.PORT);\n");
        return directory;
    }

    /// <summary>A copy of a sample with one extra file, so it has another content hash (a new build).</summary>
    public static string SampleVariant(string sample, string marker)
    {
        var directory = Scratch(sample + "-" + marker);
        CopyDirectory(Repository.Sample(sample), directory);
        File.WriteAllText(Path.Combine(directory, "VARIANT"), marker);
        return directory;
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }
}
