using System.Runtime.CompilerServices;
using System.Text;

namespace UserSync.Host;

/// <summary>Reads a CSV file with a header row (RFC 4180 quoting) as rows keyed by column name.</summary>
internal static class CsvFile
{
    public static async IAsyncEnumerable<IReadOnlyDictionary<string, string>> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        var header = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new FormatException($"{path} is empty; it needs a header row.");
        var columns = Split(header);
        var lineNumber = 1;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = Split(line);
            if (fields.Count != columns.Count)
            {
                throw new FormatException($"{path}:{lineNumber}: {fields.Count} fields where the header has {columns.Count}.");
            }

            var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < columns.Count; i++)
            {
                row[columns[i]] = fields[i];
            }

            yield return row;
        }
    }

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
