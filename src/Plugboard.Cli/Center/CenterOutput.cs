using System.Globalization;
using System.Text.Json.Nodes;
using Plugboard.Cli.Console;
using Spectre.Console;

namespace Plugboard.Cli.Center;

/// <summary>How the center commands print: the API's JSON as is for <c>--json</c>, otherwise tables and lines of escaped text.</summary>
internal static class CenterOutput
{
    /// <summary>The API object, indented, exactly as the center sent it.</summary>
    public static void Json(CliContext context, JsonNode? json) => JsonOutput.Write(context.Console, json);

    /// <summary>A table of text cells (escaped: every value may come from a package or a source).</summary>
    public static void Table(CliContext context, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(CliConsole.Cell).ToArray());
        }

        context.Console.Ansi.Write(table);
    }

    /// <summary>A time in UTC, to the second; <c>-</c> when there is none.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>The text in <paramref name="language"/>, else English, else any.</summary>
    public static string? InLanguage(IReadOnlyDictionary<string, string>? texts, string language = "en") =>
        texts is null || texts.Count == 0 ? null
        : texts.TryGetValue(language, out var text) ? text
        : texts.TryGetValue("en", out var english) ? english
        : texts.Values.First();

    /// <summary>A digest shortened for a table: the algorithm and 12 hex digits.</summary>
    public static string ShortDigest(string? digest) => digest is null ? "-" : digest.Length > 19 ? digest[..19] : digest;

    /// <summary>Compact one-line JSON, for metadata in a table or a status line.</summary>
    public static string Compact(JsonNode? node) => node is null ? "-" : node.ToJsonString();
}
