namespace Sprout.Server.Store;

internal sealed class ApplicationRow
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public DateTimeOffset Created { get; set; }
}
