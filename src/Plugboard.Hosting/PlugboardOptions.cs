namespace Plugboard.Hosting;

/// <summary>
/// How a host finds, checks and runs its plugins. Bind it from the <c>Plugboard</c> configuration section
/// or set it in <c>services.AddPlugboard(options =&gt; …)</c>; <see cref="PlugboardOptionsValidator"/> checks it at start-up.
/// </summary>
public sealed class PlugboardOptions
{
    /// <summary>The default prefix of third-party plugin ids.</summary>
    public const string DefaultIdPrefix = "custom-";

    /// <summary>
    /// The folder whose sub-folders are plugins (each with a <c>plugin.yaml</c>); null when the host only
    /// has built-in plugins. A relative path is taken from the current directory.
    /// </summary>
    public string? PluginsDirectory { get; set; }

    /// <summary>
    /// Where the host keeps what the YAML parser made of each manifest (<see cref="Manifests.ManifestParseCache"/>), so
    /// that a restart with unchanged plugins parses no YAML: the first parse in a process is the largest part of a
    /// one-plugin start. Null (the default) keeps nothing; hosts loading through <c>AddSources</c> get the sources
    /// cache's <c>manifests</c> folder unless this is set. Give a folder as protected as the plugins directory.
    /// </summary>
    public string? ManifestCacheDirectory { get; set; }

    /// <summary>
    /// The prefix every third-party plugin id must start with, and no built-in id may start with, so a
    /// plugin can never shadow a built-in. Default <c>custom-</c>.
    /// </summary>
    public string IdPrefix { get; set; } = DefaultIdPrefix;

    /// <summary>Whether to watch <see cref="PluginsDirectory"/> and hot-reload plugins whose folder changes.</summary>
    public bool WatchForChanges { get; set; }

    /// <summary>How long a plugin folder must stay quiet after a change before it is reloaded.</summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// With <see cref="WatchForChanges"/>, how often to rescan the plugins directory for changes the
    /// file-system watcher missed (it can lose events, e.g. on inotify overflow): a folder whose files'
    /// names, sizes or modification times differ from when it was last loaded, or that appeared or
    /// vanished, is reloaded as if the watcher had seen it; unchanged folders are not. Default 1 minute;
    /// <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long <see cref="IPlugin.InitAsync"/> may take before the plugin fails.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="IPlugin.VerifyAsync"/> may take before the plugin fails.</summary>
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a replaced or removed version waits for the calls still running on it before it is
    /// disposed anyway.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for an unloaded plugin's load context to be collected.</summary>
    public TimeSpan UnloadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Simple names of further assemblies plugins share with the host (besides Plugboard.Abstractions,
    /// the contract assemblies and the host's <c>Microsoft.Extensions.*.Abstractions</c>). A shared
    /// assembly is always the host's copy, so its types are the same on both sides.
    /// </summary>
    public ISet<string> SharedAssemblies { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Settings per plugin id (<see cref="PluginOptionsCollection.GetOrAdd"/> adds an id's).</summary>
    public PluginOptionsCollection Plugins { get; } = new();
}
