using System.CommandLine;
using System.Net;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.Center;

/// <summary>Where the center is and how to sign in: the URL, the token and where the token came from (for error messages).</summary>
internal sealed record CenterConnection(Uri Url, string? Token, string? TokenOrigin)
{
    /// <summary>The center's URL when neither <c>--url</c> nor <c>PLUGBOARD_URL</c> names one: where <c>plugboard serve</c> listens.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5280";

    public const string UrlVariable = "PLUGBOARD_URL";

    public const string TokenVariable = "PLUGBOARD_TOKEN";
}

/// <summary>
/// The options every center command takes: <c>--url</c> (or <c>PLUGBOARD_URL</c>), <c>--token</c>, <c>--token-file</c>
/// (or <c>PLUGBOARD_TOKEN</c>) and <c>--allow-insecure</c>. A fresh set per command, as System.CommandLine wants.
/// </summary>
internal sealed class CenterConnectionOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The plugin center's URL. Default: ${CenterConnection.UrlVariable}, else {CenterConnection.DefaultUrl}.",
        HelpName = "URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"The API token (visible to other users in the process list; prefer ${CenterConnection.TokenVariable} or --token-file).",
        HelpName = "TOKEN",
    };

    public Option<string?> TokenFile { get; } = new("--token-file")
    {
        Description = "A file holding the API token.",
        HelpName = "FILE",
    };

    public Option<bool> AllowInsecure { get; } = new("--allow-insecure")
    {
        Description = "Send the token over plain http:// to a host other than this machine (refused otherwise).",
    };

    public Option<bool> Json { get; } = CliContext.JsonOption();

    /// <summary>Adds the options (and <c>--json</c>) to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Options.Add(TokenFile);
        command.Options.Add(AllowInsecure);
        command.Options.Add(Json);
    }

    /// <summary>The connection the command line and the environment describe.</summary>
    /// <exception cref="CliException">The URL is not an http(s) URL, the token file cannot be read, or a token would travel in clear text.</exception>
    public CenterConnection Resolve(ParseResult parse, CliEnvironment environment)
    {
        var text = parse.GetValue(Url) is { Length: > 0 } option ? option
            : environment.Get(CenterConnection.UrlVariable) is { Length: > 0 } variableUrl ? variableUrl
            : CenterConnection.DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw CliException.Usage($"'{text}' is not the URL of a center; use http://HOST:PORT or https://HOST (from --url or ${CenterConnection.UrlVariable}).");
        }

        string? token = null;
        string? origin = null;
        if (parse.GetValue(Token) is { Length: > 0 } given)
        {
            (token, origin) = (given, "--token");
        }
        else if (parse.GetValue(TokenFile) is { Length: > 0 } file)
        {
            var path = environment.ResolvePath(file);
            try
            {
                token = File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"Cannot read the token file '{path}' (--token-file): {ex.Message}");
            }

            if (token.Length == 0)
            {
                throw new CliException($"The token file '{path}' (--token-file) is empty; put the API token in it.");
            }

            origin = $"--token-file {path}";
        }
        else if (environment.Get(CenterConnection.TokenVariable) is { Length: > 0 } variable)
        {
            (token, origin) = (variable.Trim(), "$" + CenterConnection.TokenVariable);
        }

        if (token is not null && url.Scheme == "http" && !IsLoopback(url) && !parse.GetValue(AllowInsecure))
        {
            throw CliException.Usage($"Refusing to send the API token over plain http:// to {url.Host}: anyone on the way could read it. Use https://, or pass --allow-insecure if the network is trusted.");
        }

        return new CenterConnection(url, token, origin);
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
