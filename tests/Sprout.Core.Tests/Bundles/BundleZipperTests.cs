using System.IO.Compression;
using System.Security.Cryptography;
using Sprout.Core.Bundles;

namespace Sprout.Core.Tests.Bundles;

public sealed class BundleZipperTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sprout-zip-" + Guid.NewGuid().ToString("N"));

    public BundleZipperTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task CreateAsync_HonoursGitIgnore_AndIncludesHiddenFilesAtRoot()
    {
        Write(".gitignore", "*.log\nnode_modules/\n/build\n");
        Write("app.js", "console.log('hi')");
        Write("debug.log", "noise");
        Write("node_modules/left-pad/index.js", "x");
        Write("build/out.js", "x");
        Write("src/build/keep.js", "x");
        Write(".ebextensions/01.config", "option_settings: []");
        Write(".platform/hooks/prebuild/01.sh", "#!/bin/sh");

        var (entries, result) = await ZipAsync();

        Assert.Equal(
            [".ebextensions/01.config", ".gitignore", ".platform/hooks/prebuild/01.sh", "app.js", "src/build/keep.js"],
            entries.Select(e => e.FullName));
        Assert.Equal(".gitignore", result.IgnoreFile);
        Assert.Equal(5, result.FileCount);
    }

    [Fact]
    public async Task CreateAsync_EbIgnorePresent_GitIgnoreIsNotUsed()
    {
        Write(".gitignore", "dist/\n");
        Write(".ebignore", "*.md\n");
        Write("dist/app.js", "built");
        Write("README.md", "docs");

        var (entries, result) = await ZipAsync();

        Assert.Equal([".ebignore", ".gitignore", "dist/app.js"], entries.Select(e => e.FullName));
        Assert.Equal(".ebignore", result.IgnoreFile);
    }

    [Fact]
    public async Task CreateAsync_ExcludesGitAndSproutDirectories_EvenWithoutIgnoreFiles()
    {
        Write(".git/HEAD", "ref: refs/heads/main");
        Write(".sprout/config.yml", "global: {}");
        Write("lib/.git", "gitdir: ../.git/modules/lib");
        Write("lib/x.py", "print(1)");
        Write("node_modules/a/index.js", "kept: only ignore files exclude it");

        var (entries, result) = await ZipAsync();

        Assert.Equal(["lib/x.py", "node_modules/a/index.js"], entries.Select(e => e.FullName));
        Assert.Null(result.IgnoreFile);
    }

    [Fact]
    public async Task CreateAsync_NestedGitIgnore_AppliesBelowItsDirectory()
    {
        Write(".gitignore", "*.tmp\n");
        Write("web/.gitignore", "cache/\n!keep.tmp\n");
        Write("web/cache/a.txt", "x");
        Write("web/keep.tmp", "x");
        Write("web/drop.tmp", "x");
        Write("cache/top.txt", "x");

        var (entries, _) = await ZipAsync();

        Assert.Equal([".gitignore", "cache/top.txt", "web/.gitignore", "web/keep.tmp"], entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task CreateAsync_SameTree_GivesSameBytes_EvenAfterTimestampsChange()
    {
        Write("Procfile", "web: node app.js");
        Write("app.js", "require('http')");
        Write("lib/util.js", "module.exports = {}");
        var first = await HashAsync();

        File.SetLastWriteTimeUtc(Path.Combine(_root, "app.js"), DateTime.UtcNow.AddDays(-3));
        var second = await HashAsync();

        Write("app.js", "require('https')");
        var third = await HashAsync();

        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
    }

    [Fact]
    public async Task CreateAsync_PreservesExecutableBit_AndKeepsEmptyDirectories()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Write("bin/start.sh", "#!/bin/sh\necho hi\n");
        Write("README", "plain");
        File.SetUnixFileMode(Path.Combine(_root, "bin/start.sh"), (UnixFileMode)0x1ED);
        Directory.CreateDirectory(Path.Combine(_root, "uploads"));

        var (entries, _) = await ZipAsync();

        var script = entries.Single(e => e.FullName == "bin/start.sh");
        var readme = entries.Single(e => e.FullName == "README");
        Assert.Equal(0x81ED, (script.ExternalAttributes >> 16) & 0xFFFF);
        Assert.Equal(0x81A4, (readme.ExternalAttributes >> 16) & 0xFFFF);
        Assert.Contains(entries, e => e.FullName == "uploads/");
    }

    [Fact]
    public async Task CreateAsync_EntryContent_RoundTrips()
    {
        Write("data/values.json", "{\"a\":1}");

        using var zip = new MemoryStream();
        await BundleZipper.CreateAsync(_root, zip, CancellationToken.None);
        zip.Position = 0;
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        using var reader = new StreamReader(archive.GetEntry("data/values.json")!.Open());

        Assert.Equal("{\"a\":1}", await reader.ReadToEndAsync());
    }

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private async Task<(IReadOnlyList<ZipArchiveEntry> Entries, BundleZipperResult Result)> ZipAsync()
    {
        var zip = new MemoryStream();
        var result = await BundleZipper.CreateAsync(_root, zip, CancellationToken.None);
        zip.Position = 0;
        var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        return (archive.Entries.ToList(), result);
    }

    private async Task<string> HashAsync()
    {
        using var zip = new MemoryStream();
        await BundleZipper.CreateAsync(_root, zip, CancellationToken.None);
        return Convert.ToHexString(SHA256.HashData(zip.ToArray()));
    }
}
