namespace Sprout.Cli.Output;

/// <summary>Left-aligned columns sized to their widest cell, two spaces apart; the last column is not padded.</summary>
public static class TablePrinter
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var cells = rows.Select(row => headers.Select((_, i) => i < row.Count ? row[i] ?? "-" : "-").ToArray()).ToList();
        var widths = headers.Select((header, i) => cells.Select(row => row[i].Length).Append(header.Length).Max()).ToArray();
        WriteRow(writer, headers, widths);
        foreach (var row in cells)
        {
            WriteRow(writer, row, widths);
        }
    }

    private static void WriteRow(TextWriter writer, IReadOnlyList<string> cells, int[] widths)
    {
        var parts = cells.Select((cell, i) => i == cells.Count - 1 ? cell : cell.PadRight(widths[i]));
        writer.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}
