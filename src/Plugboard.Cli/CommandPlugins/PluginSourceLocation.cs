using Plugboard.Cli.CommandPlugins.Fetching;
using Plugboard.Cli.CommandPlugins.Receipts;
using Plugboard.Cli.Console;
using Plugboard.Packaging;
using Plugboard.Sources.Git;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// What the SOURCE of <c>plugboard plugin install SOURCE</c> names: a folder or <c>.pbpkg</c> on this machine, an
/// https URL of an archive, a git repository with an optional <c>@ref</c>, or a plugin id found in the configured
/// sources' cache.
/// </summary>
/// <param name="Kind">The kind of source.</param>
/// <param name="Location">The absolute path, the URL (without <c>@ref</c>), or the plugin id.</param>
/// <param name="Ref">The git ref, when one was given.</param>
internal sealed record PluginSourceLocation(PluginSourceKind Kind, string Location, string? Ref)
{
    /// <summary>Reads SOURCE: URLs first, then existing paths, then scp-like git addresses, then plugin ids.</summary>
    /// <exception cref="CliException">SOURCE is none of these; the message lists what it may be.</exception>
    public static PluginSourceLocation Parse(string source, CliEnvironment environment)
    {
        if (source.StartsWith("git+", StringComparison.Ordinal))
        {
            var (url, reference) = GitCheckout.Split(source[4..]);
            return new(PluginSourceKind.Git, url, reference);
        }

        if (source.Contains("://", StringComparison.Ordinal))
        {
            var (url, reference) = GitCheckout.Split(source);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                throw CliException.Usage($"'{source}' is not a valid URL.");
            }

            if (uri.Scheme is "http" or "https")
            {
                if (reference is null && (PluginArchive.IsArchiveName(uri.AbsolutePath) || uri.AbsolutePath.EndsWith(PackageFormat.Extension, StringComparison.OrdinalIgnoreCase)))
                {
                    return new(PluginSourceKind.Url, source, null);
                }

                if (uri.AbsolutePath.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
                {
                    return new(PluginSourceKind.Git, url, reference);
                }

                throw CliException.Usage($"'{source}' names neither an archive nor a git repository: an archive URL ends with .tar.gz, .tgz, .zip or {PackageFormat.Extension}; a repository URL ends with .git (or starts with git+), optionally followed by @REF.");
            }

            return new(PluginSourceKind.Git, url, reference);
        }

        var path = environment.ResolvePath(source);
        if (Directory.Exists(path))
        {
            return new(PluginSourceKind.Folder, path, null);
        }

        if (File.Exists(path))
        {
            return new(PluginSourceKind.Package, path, null);
        }

        var (scpUrl, scpRef) = GitCheckout.Split(source);
        if (GitUrl.Classify(scpUrl) == GitUrl.Transport.Ssh)
        {
            return new(PluginSourceKind.Git, scpUrl, scpRef);
        }

        if (CommandPluginName.IsValid(source))
        {
            return new(PluginSourceKind.Cache, source, null);
        }

        throw CliException.Usage($"'{source}' is not a folder or file ('{path}' does not exist), a URL, a git address or a plugin id. Give a command plugin folder, a .pbpkg, an https URL of a .tar.gz, .zip or .pbpkg, a git URL (…/repo.git[@REF]), or the id of a plugin in the configured sources' cache.");
    }

    /// <summary>The location as the receipt records it.</summary>
    public static PluginSourceLocation FromReceipt(InstallReceipt receipt) => new(receipt.Kind, receipt.Source, receipt.Ref);

    public override string ToString() => Ref is null ? Location : $"{Location}@{Ref}";
}
