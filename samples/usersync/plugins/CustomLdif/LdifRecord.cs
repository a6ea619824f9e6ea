using System.Text;

namespace UserSync.Plugins.CustomLdif;

/// <summary>One LDIF entry: its DN and attributes (names case-insensitive, values in file order).</summary>
internal sealed class LdifRecord
{
    public required string Dn { get; init; }

    public Dictionary<string, List<string>> Attributes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? First(string name) => Attributes.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public bool Has(string name, string value) =>
        Attributes.TryGetValue(name, out var values) && values.Exists(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>The DN of the parent entry: the DN without its first RDN; null at the top.</summary>
    public string? ParentDn
    {
        get
        {
            // RDNs are separated by unescaped commas.
            for (var i = 0; i < Dn.Length; i++)
            {
                if (Dn[i] == '\\')
                {
                    i++;
                }
                else if (Dn[i] == ',')
                {
                    return Dn[(i + 1)..].Trim();
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Reads the records of an LDIF file (RFC 2849 content records): folded lines, comments,
    /// base64 values (<c>attr:: …</c>). Change records and URL values are not supported.
    /// </summary>
    public static async IAsyncEnumerable<LdifRecord> ReadAsync(TextReader reader, string fileName)
    {
        var lines = new List<(int Number, string Text)>();
        var lineNumber = 0;
        string? line;
        while (true)
        {
            line = await reader.ReadLineAsync().ConfigureAwait(false);
            lineNumber++;
            if (line is null || line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    var record = Parse(lines, fileName);
                    if (record is not null)
                    {
                        yield return record;
                    }

                    lines.Clear();
                }

                if (line is null)
                {
                    yield break;
                }

                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            if (line[0] == ' ' && lines.Count > 0)
            {
                var last = lines[^1];
                lines[^1] = (last.Number, last.Text + line[1..]);
                continue;
            }

            lines.Add((lineNumber, line));
        }
    }

    private static LdifRecord? Parse(List<(int Number, string Text)> lines, string fileName)
    {
        LdifRecord? record = null;
        foreach (var (number, text) in lines)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"{fileName}:{number}: expected 'attribute: value', found '{text}'");
            }

            var name = text[..colon];
            string value;
            if (colon + 1 < text.Length && text[colon + 1] == ':')
            {
                value = Encoding.UTF8.GetString(Convert.FromBase64String(text[(colon + 2)..].Trim()));
            }
            else
            {
                value = text[(colon + 1)..].TrimStart();
            }

            if (string.Equals(name, "version", StringComparison.OrdinalIgnoreCase) && record is null)
            {
                continue;
            }

            if (record is null)
            {
                if (!string.Equals(name, "dn", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"{fileName}:{number}: an entry must start with 'dn:', found '{name}'");
                }

                record = new LdifRecord { Dn = value };
                continue;
            }

            if (!record.Attributes.TryGetValue(name, out var values))
            {
                record.Attributes[name] = values = [];
            }

            values.Add(value);
        }

        return record;
    }
}
