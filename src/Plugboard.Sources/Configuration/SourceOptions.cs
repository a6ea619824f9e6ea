namespace Plugboard.Sources.Configuration;

/// <summary>One source of packages: <c>fs</c>, <c>git</c>, <c>http</c> (built in) or <c>s3</c> (Plugboard.Sources.S3).</summary>
public sealed class SourceOptions
{
    /// <summary>The unique name of the source (compared ignoring case); it names the source in the cache, runs and errors.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The source type: <c>fs</c>, <c>git</c>, <c>http</c>, or a type added by another assembly (<c>s3</c>).</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>The location of a <c>git</c> repository or of an <c>http</c> feed (its <c>index.json</c> or the folder holding it).</summary>
    public string? Url { get; set; }

    /// <summary>The folder of an <c>fs</c> source.</summary>
    public string? Path { get; set; }

    /// <summary>The git ref to read (branch, tag, <c>refs/…</c> or a full commit id); default the remote's HEAD. A plugin set may override it.</summary>
    public string? Ref { get; set; }

    /// <summary>
    /// Allows transports without TLS (<c>http://</c>, <c>git://</c>) for this source. Every sync logs a warning
    /// while it is set. Default false: HTTPS (or SSH for git) only.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>Allows a <c>git</c> source to read a local repository (<c>file://</c> or a path). Default false.</summary>
    public bool AllowLocalPaths { get; set; }

    /// <summary>A PEM file of CA certificates trusted for this source's HTTPS server, instead of the system store.</summary>
    public string? CaBundle { get; set; }

    /// <summary>Whether every package must carry a valid signature by a key in <see cref="TrustedKeys"/>.</summary>
    public bool RequireSignature { get; set; }

    /// <summary>A folder of trusted public keys (<c>*.pem</c>, ECDSA P-256) that signatures are checked against.</summary>
    public string? TrustedKeys { get; set; }

    /// <summary>Where the source's credentials are read from (never the secret itself).</summary>
    public SourceCredentialOptions Credentials { get; set; } = new();

    /// <summary>The plugin sets to take; none means one set: the whole source, every plugin, every version.</summary>
    public List<PluginSetOptions> Sets { get; set; } = [];

    /// <summary>How long one network operation of this source may take. Default 5 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most bytes this source may download in one sync, all packages, signatures and indexes together. A source
    /// that passes it stops with an error and keeps its previous cache state. Default 2 GiB.
    /// </summary>
    public long MaxDownloadBytes { get; set; } = DefaultMaxDownloadBytes;

    /// <summary>The default of <see cref="MaxDownloadBytes"/>: 2 GiB.</summary>
    public const long DefaultMaxDownloadBytes = 2L << 30;

    /// <summary>Settings of source types added by other assemblies (e.g. <c>bucket</c>, <c>region</c>, <c>endpoint</c> for s3).</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Describes the source without secrets: credentials show only where they are read from.</summary>
    public override string ToString()
        => $"{Name} ({Type} {Url ?? Path}{(Ref is null ? string.Empty : "@" + Ref)}{(AllowInsecure ? ", insecure allowed" : string.Empty)}{(RequireSignature ? ", signatures required" : string.Empty)}, credentials: {Credentials}, sets: {Sets.Count})";
}
