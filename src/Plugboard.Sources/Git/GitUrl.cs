using System.Text.RegularExpressions;

namespace Plugboard.Sources.Git;

/// <summary>
/// Which repository URLs a git source may use. git can run arbitrary programs through transport helpers
/// (<c>ext::</c>, <c>fd::</c>, any <c>xxx::</c>) and options (a URL starting with <c>-</c>), so only plain
/// https and ssh pass by default; http and git:// need AllowInsecure, local repositories AllowLocalPaths.
/// </summary>
public static partial class GitUrl
{
    /// <summary>The kind of transport a URL uses.</summary>
    public enum Transport
    {
        /// <summary>https://</summary>
        Https,

        /// <summary>ssh:// or scp-like user@host:path</summary>
        Ssh,

        /// <summary>http:// (no TLS)</summary>
        Http,

        /// <summary>git:// (no TLS, no authentication)</summary>
        Git,

        /// <summary>file:// or a path</summary>
        Local,
    }

    /// <summary>Why <paramref name="url"/> is refused for source <paramref name="source"/>, or null when it is allowed.</summary>
    public static string? Check(string source, string? url, bool allowInsecure, bool allowLocalPaths)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return $"Source '{source}': Url is required for type 'git'.";
        }

        if (url.StartsWith('-'))
        {
            return $"Source '{source}': Url '{url}' starts with '-', which git would read as an option; refused.";
        }

        if (TransportHelper().IsMatch(url))
        {
            return $"Source '{source}': Url '{url}' names a git transport helper ('xxx::'), which can run programs; refused. Use https://, ssh:// or user@host:path.";
        }

        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return $"Source '{source}': Url must not contain spaces or control characters.";
        }

        var kind = Classify(url);
        return kind switch
        {
            null => $"Source '{source}': Url '{url}' is not a supported git URL; use https://host/repo.git, ssh://host/repo.git or user@host:repo.git.",
            Transport.Http or Transport.Git when !allowInsecure =>
                $"Source '{source}': Url '{url}' has no TLS ({(kind == Transport.Git ? "git://" : "http://")}), which is refused: use https:// or ssh://, or set AllowInsecure: true for this source if you accept it.",
            Transport.Local when !allowLocalPaths =>
                $"Source '{source}': Url '{url}' is a local repository, which is refused unless AllowLocalPaths: true is set for this source.",
            _ when HasPassword(url) =>
                $"Source '{source}': Url must not carry credentials; put the token in an environment variable or file named by Credentials:TokenEnv or Credentials:TokenFile.",
            _ => null,
        };
    }

    /// <summary>The transport of a URL, or null when it is not one git source supports.</summary>
    public static Transport? Classify(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && url.Contains("://", StringComparison.Ordinal))
        {
            return uri.Scheme switch
            {
                "https" => Transport.Https,
                "http" => Transport.Http,
                "ssh" => Transport.Ssh,
                "git" => Transport.Git,
                "file" => Transport.Local,
                _ => null,
            };
        }

        if (url.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }

        if (ScpLike().IsMatch(url))
        {
            return Transport.Ssh;
        }

        return Path.IsPathFullyQualified(url) || url.StartsWith("./", StringComparison.Ordinal) || url.StartsWith("../", StringComparison.Ordinal)
            ? Transport.Local
            : null;
    }

    /// <summary>Whether git reads <paramref name="url"/> without TLS.</summary>
    public static bool IsInsecure(string url) => Classify(url) is Transport.Http or Transport.Git;

    private static bool HasPassword(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*::")]
    private static partial Regex TransportHelper();

    // user@host:path or host:path, where host has no slash (git's own rule for scp-like syntax).
    [GeneratedRegex(@"^([A-Za-z0-9._~-]+@)?[A-Za-z0-9.-]+:[^/\\]")]
    private static partial Regex ScpLike();
}
