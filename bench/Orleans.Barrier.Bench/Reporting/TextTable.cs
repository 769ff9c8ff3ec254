using System.Text;

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>A plain-text table: the first <c>leftAligned</c> columns (names) left-aligned, the figures right-aligned, widths fitted to the contents.</summary>
internal sealed class TextTable(int leftAligned, params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void AddSeparator() => _rows.Add([]);

    public override string ToString()
    {
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        Append(text, headers, widths, leftAligned);
        text.AppendLine(new string('-', widths.Sum() + (2 * (widths.Length - 1))));
        foreach (var row in _rows)
        {
            if (row.Length == 0)
            {
                text.AppendLine();
                continue;
            }

            Append(text, row, widths, leftAligned);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string[] cells, int[] widths, int leftAligned)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                text.Append("  ");
            }

            text.Append(i < leftAligned ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
        }

        text.AppendLine();
    }
}
