using System.Runtime.CompilerServices;
using System.Text;

namespace UserSync.Plugins.CsvProcess;

/// <summary>Reads a CSV file with a header row as rows keyed by column name; fields may be double-quoted ("" is a quote).</summary>
internal static class CsvRows
{
    public static async IAsyncEnumerable<IReadOnlyDictionary<string, string>> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} is empty: it needs a header row.");
        var columns = Fields(header);
        var number = 1;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var values = Fields(line);
            if (values.Count != columns.Count)
            {
                throw new InvalidDataException($"{path} line {number}: {values.Count} fields, the header has {columns.Count}.");
            }

            yield return columns.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.OrdinalIgnoreCase);
        }
    }

    private static List<string> Fields(string line)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '"' when inQuotes && i + 1 < line.Length && line[i + 1] == '"':
                    current.Append('"');
                    i++;
                    break;
                case '"':
                    inQuotes = !inQuotes;
                    break;
                case ',' when !inQuotes:
                    result.Add(current.ToString());
                    current.Clear();
                    break;
                default:
                    current.Append(line[i]);
                    break;
            }
        }

        result.Add(current.ToString());
        return result;
    }
}
