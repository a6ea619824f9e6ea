using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plugboard.Cli.CommandPlugins.Receipts;

/// <summary>Where an installed command plugin came from.</summary>
internal enum PluginSourceKind
{
    /// <summary>A plugin folder on this machine.</summary>
    Folder,

    /// <summary>A <c>.pbpkg</c> file on this machine.</summary>
    Package,

    /// <summary>An archive (<c>.tar.gz</c>, <c>.zip</c>, <c>.pbpkg</c>) downloaded over HTTPS.</summary>
    Url,

    /// <summary>A git repository at a ref.</summary>
    Git,

    /// <summary>The configured sources' cache, filled by <c>plugboard sync</c>.</summary>
    Cache,
}

/// <summary>
/// What <c>plugboard plugin install</c> recorded about an installed command plugin (krew's receipt): where it came
/// from, so <c>plugin update</c> can fetch it again, and what was installed. Kept as <c>.receipt.json</c> in the
/// plugin's folder, written before the folder is moved into place, so a plugin and its receipt change together.
/// </summary>
/// <param name="Name">The plugin's id.</param>
/// <param name="Version">The version installed.</param>
/// <param name="Kind">The kind of source.</param>
/// <param name="Source">The folder, file or URL (without <c>@ref</c>), or the plugin id looked up in the cache.</param>
/// <param name="Ref">The git ref asked for (null: the default branch).</param>
/// <param name="Commit">The git commit installed.</param>
/// <param name="Digest">The SHA-256 of what was installed: the downloaded archive (<c>sha256:</c>hex), or the package digest.</param>
/// <param name="Pinned">Whether <paramref name="Digest"/> was pinned with <c>--sha256</c>.</param>
/// <param name="SourceName">For the cache: the configured source the package was synced from.</param>
/// <param name="InstalledAt">When it was installed or last updated.</param>
internal sealed record InstallReceipt(
    string Name,
    string Version,
    PluginSourceKind Kind,
    string Source,
    string? Ref,
    string? Commit,
    string? Digest,
    bool Pinned,
    string? SourceName,
    DateTimeOffset InstalledAt)
{
    /// <summary>The receipt's file name in the plugin folder (hidden, and not part of the plugin's files).</summary>
    public const string FileName = ".receipt.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The source as a user would type it again: <c>URL@REF</c> for git.</summary>
    public string Location => Ref is null ? Source : $"{Source}@{Ref}";

    /// <summary>The receipt in <paramref name="pluginFolder"/>, or null when there is none (or it cannot be read).</summary>
    public static InstallReceipt? Read(string pluginFolder)
    {
        var file = Path.Combine(pluginFolder, FileName);
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<InstallReceipt>(File.ReadAllText(file), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task WriteAsync(string pluginFolder, CancellationToken cancellationToken)
        => await File.WriteAllTextAsync(Path.Combine(pluginFolder, FileName), JsonSerializer.Serialize(this, Json) + "\n", cancellationToken).ConfigureAwait(false);
}
