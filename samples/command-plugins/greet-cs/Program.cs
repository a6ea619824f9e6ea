// 'plugboard greet [--shout] [--stdin] [--exit N] NAME…': a command plugin in C#. plugboard starts this program
// with the words after 'greet' as its arguments and PLUGBOARD_* variables in its environment, and passes its
// exit code on.
using System.Globalization;

string[] options = ["--shout", "--stdin", "--exit"];
if (args is ["--complete", .. var words])
{
    // Completion (plugboard_complete-greet): the last word is the one being typed.
    var typed = words.Length > 0 ? words[^1] : string.Empty;
    foreach (var option in options.Where(o => o.StartsWith(typed, StringComparison.Ordinal)))
    {
        Console.WriteLine(option);
    }

    return 0;
}

var shout = false;
var exitCode = 0;
var names = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--shout":
            shout = true;
            break;
        case "--stdin":
            names.AddRange((await Console.In.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            break;
        case "--exit" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var code):
            exitCode = code;
            i++;
            break;
        case var option when option.StartsWith('-'):
            await Console.Error.WriteLineAsync($"greet: unknown option '{option}'; the options are {string.Join(", ", options)}.");
            return 2;
        default:
            names.Add(args[i]);
            break;
    }
}

var plugin = Environment.GetEnvironmentVariable("PLUGBOARD_PLUGIN_NAME") ?? "?";
foreach (var name in names.DefaultIfEmpty("world"))
{
    var line = $"Hello, {name}! (from plugboard {plugin})";
    Console.WriteLine(shout ? line.ToUpperInvariant() : line);
}

return exitCode;
