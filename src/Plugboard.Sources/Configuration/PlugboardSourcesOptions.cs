namespace Plugboard.Sources.Configuration;

/// <summary>
/// Where plugins come from and where they are cached. Bind it from a configuration section
/// (<c>services.AddPlugboardSources(configuration.GetSection("Plugboard:Sources"))</c>); it is validated at
/// start-up with every error listed (<see cref="PlugboardSourcesOptionsValidator"/>).
/// </summary>
public sealed class PlugboardSourcesOptions
{
    /// <summary>The default file name of the lock, kept in <see cref="CacheDirectory"/> unless <see cref="LockFile"/> says otherwise.</summary>
    public const string DefaultLockFileName = "plugboard.lock";

    /// <summary>The folder holding blobs, the index, extracted plugins, git mirrors and sync runs. Required.</summary>
    public string CacheDirectory { get; set; } = string.Empty;

    /// <summary>
    /// The lock file (<c>plugboard.lock</c>): plugin id + version → digest, recorded on first sight. Default:
    /// <c>{CacheDirectory}/plugboard.lock</c>. Point it at a file kept in version control to pin digests across hosts.
    /// </summary>
    public string? LockFile { get; set; }

    /// <summary>
    /// The folder where the resolved plugins are materialized, one sub-folder per plugin id, replaced per
    /// plugin after each sync; give it to the host as its plugins directory. Default <c>{CacheDirectory}/current</c>.
    /// </summary>
    public string? CurrentDirectory { get; set; }

    /// <summary>The sources, each with a unique name (compared ignoring case).</summary>
    public List<SourceOptions> Sources { get; set; } = [];

    /// <summary>How often the background loop syncs; <see cref="TimeSpan.Zero"/> turns the loop off. Default 15 minutes.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether the background loop syncs once as soon as the host starts (after the current view is built from the cache). Default true.</summary>
    public bool SyncOnStart { get; set; } = true;

    /// <summary>
    /// How long a sync waits for the cache lock while another sync or garbage collection holds it (it says who) before it
    /// gives up with an error. Default 10 minutes.
    /// </summary>
    public TimeSpan CacheLockTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The lock file path in force: <see cref="LockFile"/> or the default inside the cache folder.</summary>
    public string ResolvedLockFile => string.IsNullOrWhiteSpace(LockFile)
        ? Path.Combine(CacheDirectory, DefaultLockFileName)
        : LockFile;

    /// <summary>The current view folder in force: <see cref="CurrentDirectory"/> or the default inside the cache folder.</summary>
    public string ResolvedCurrentDirectory => string.IsNullOrWhiteSpace(CurrentDirectory)
        ? Path.Combine(CacheDirectory, "current")
        : CurrentDirectory;

    /// <inheritdoc />
    public override string ToString()
        => $"CacheDirectory={CacheDirectory}, LockFile={ResolvedLockFile}, Sources=[{string.Join("; ", Sources)}]";
}
