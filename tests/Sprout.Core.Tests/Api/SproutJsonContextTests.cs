using System.Text.Json;
using Sprout.Core.Api;
using Sprout.Core.Model;

namespace Sprout.Core.Tests.Api;

public sealed class SproutJsonContextTests
{
    /// <summary>Every top-level document and request of the API has generated metadata, so no CLI command pays for reflection.</summary>
    [Fact]
    public void Context_CoversEveryApiDocumentAndRequest()
    {
        var documents = typeof(SproutJson).Assembly.GetExportedTypes()
            .Where(type => type.Namespace == typeof(SproutJson).Namespace && (type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Dto", StringComparison.Ordinal)))
            .ToList();

        var missing = documents.Where(type => SproutJsonContext.Default.GetTypeInfo(type) is null).Select(type => type.Name).ToList();

        Assert.NotEmpty(documents);
        Assert.Empty(missing);
    }

    [Fact]
    public void Options_WithGeneratedMetadata_KeepTheApiShape()
    {
        var json = JsonSerializer.Serialize(new DeployRequest("v2"), SproutJson.Options);
        var error = JsonSerializer.Deserialize<ErrorDto>("""{"error":"conflict","message":"busy"}""", SproutJson.Options);

        Assert.Contains("\"versionLabel\": \"v2\"", json, StringComparison.Ordinal);
        Assert.Equal(new ErrorDto("conflict", "busy"), error);
        Assert.Equal("\"Ready\"", JsonSerializer.Serialize(EnvironmentStatus.Ready, SproutJson.Options));
    }
}
