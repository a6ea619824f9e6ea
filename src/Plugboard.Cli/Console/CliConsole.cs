using Spectre.Console;

namespace Plugboard.Cli.Console;

/// <summary>
/// Where a command writes: results on <see cref="Out"/>, errors on <see cref="Error"/>. Progress bars and
/// colours only when stdout is a terminal; otherwise plain text that scripts and tests can read.
/// </summary>
internal sealed class CliConsole
{
    // Wide enough that tables written to a file or pipe do not wrap digests and paths.
    private const int PlainWidth = 200;

    private readonly TextWriter _rawOut;
    private IAnsiConsole? _ansi;

    public CliConsole(TextWriter output, TextWriter error, bool isTerminal = false, bool inheritsStandardStreams = false)
    {
        // Messages carry names and text from packages, sources and servers: everything printed is escaped here, once.
        _rawOut = output;
        Out = new TerminalSafeWriter(output);
        Error = new TerminalSafeWriter(error);
        IsTerminal = isTerminal;
        InheritsStandardStreams = inheritsStandardStreams;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Whether stdout is an interactive terminal (progress bars, colours).</summary>
    public bool IsTerminal { get; }

    /// <summary>
    /// Whether <see cref="Out"/> and <see cref="Error"/> are the process's own streams, so a command plugin can
    /// inherit them (and the terminal) rather than have its output copied through.
    /// </summary>
    public bool InheritsStandardStreams { get; }

    /// <summary>
    /// Spectre.Console over stdout, for tables and progress. In a terminal it writes its own escape codes, so text from
    /// outside goes into it only through <see cref="Cell"/>; otherwise it writes plain text through <see cref="Out"/>.
    /// </summary>
    public IAnsiConsole Ansi => _ansi ??= CreateAnsi();

    /// <summary>A table cell of text that may have come from a package, a source or a server, escaped like <see cref="Out"/>.</summary>
    public static Text Cell(string? text) => new(TerminalText.Escape(text));

    public static CliConsole FromProcess() => new(
        System.Console.Out,
        System.Console.Error,
        isTerminal: !System.Console.IsOutputRedirected,
        inheritsStandardStreams: true);

    private IAnsiConsole CreateAnsi()
    {
        if (IsTerminal)
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_rawOut) });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = PlainWidth;
        return console;
    }
}
