using System.Globalization;
using System.Text;

namespace Plugboard.Cli.Console;

/// <summary>
/// Makes text that came from a package, a source or a server safe to print on an operator's terminal: control
/// characters (ESC sequences that change the title, clear the screen or colour text; carriage returns that overwrite
/// a line), C1 controls and bidirectional overrides are shown escaped (<c>\u001b</c>, as <c>--json</c> writes them)
/// instead of acting. Line breaks and tabs stay, since messages are laid out with them.
/// </summary>
internal static class TerminalText
{
    /// <summary>The text with every character that could act on a terminal escaped; the same string when there is none.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var first = text.AsSpan().IndexOfAny(Acting);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            Append(builder, text[i]);
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="c"/> is shown escaped.</summary>
    public static bool Acts(char c) => c is not ('\n' or '\t') && (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C');

    private static void Append(StringBuilder builder, char c)
    {
        if (Acts(c))
        {
            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append(c);
        }
    }

    // Built at every CLI start: only the candidates (C0 and C1 controls, the bidirectional marks and overrides) are
    // tested, not all 65536 chars; Acts still decides, so this cannot drift from it.
    private static readonly System.Buffers.SearchValues<char> Acting = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Concat([0x061C, 0x200E, 0x200F]).Concat(Enumerable.Range(0x202A, 5)).Concat(Enumerable.Range(0x2066, 4))
            .Select(i => (char)i).Where(Acts)]);
}

/// <summary>A writer that escapes, with <see cref="TerminalText"/>, everything written through it: the one way the CLI's text output reaches stdout and stderr.</summary>
internal sealed class TerminalSafeWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    public override Encoding Encoding => inner.Encoding;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // the base setter accepts null and means the default.
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value)
    {
        if (TerminalText.Acts(value))
        {
            inner.Write(TerminalText.Escape(value.ToString()));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value) => inner.Write(TerminalText.Escape(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine(string? value) => inner.WriteLine(TerminalText.Escape(value));

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();
}
