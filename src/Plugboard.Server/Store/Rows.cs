namespace Plugboard.Server.Store;

/// <summary>A row two writers can change: <see cref="Revision"/> is its optimistic concurrency token and its ETag.</summary>
public interface IRevisioned
{
    /// <summary>Changes on every write; a write that read an older value is refused by the database.</summary>
    Guid Revision { get; set; }
}

/// <summary>A plugin source the center syncs (git, http, fs, s3), as managed through the API.</summary>
public sealed class SourceRow : IRevisioned
{
    /// <summary>The source name, unique, e.g. <c>demo</c>.</summary>
    public required string Name { get; set; }

    /// <summary>git | http | fs | s3.</summary>
    public required string Type { get; set; }

    /// <summary>The URL (git, http, s3).</summary>
    public string? Url { get; set; }

    /// <summary>The folder (fs).</summary>
    public string? Path { get; set; }

    /// <summary>The git ref.</summary>
    public string? Ref { get; set; }

    /// <summary>Whether plain http:// is allowed.</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>Whether a signature is required on every package.</summary>
    public bool RequireSignature { get; set; }

    /// <summary>The plugin sets (JSON list of {name, include, version}).</summary>
    public string SetsJson { get; set; } = "[]";

    /// <summary>Scheduled sync interval in seconds; 0 or less: only on demand.</summary>
    public int SyncIntervalSeconds { get; set; }

    /// <summary>Type-specific settings that are not secret (s3: endpoint, region, bucket, prefix, forcePathStyle), a JSON object.</summary>
    public string SettingsJson { get; set; } = "{}";

    /// <summary>
    /// The source's credentials as a JSON object of name → value sealed by the center's SecretBox (git/http: token; s3:
    /// accessKeyId, secretAccessKey); null when it has none. The API only ever says which are set.
    /// </summary>
    public string? SealedCredentialsJson { get; set; }

    /// <summary>When the last sync run of this source started, if any.</summary>
    public DateTimeOffset? LastSyncAt { get; set; }

    /// <summary>When the row was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <inheritdoc />
    public Guid Revision { get; set; }
}

/// <summary>One sync of one source: its outcome and counts.</summary>
public sealed class SyncRunRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The source synced.</summary>
    public required string Source { get; set; }

    /// <summary>Who asked (a token's name, or <c>schedule</c>).</summary>
    public required string Actor { get; set; }

    /// <summary>Running | Ok | Failed.</summary>
    public required string Status { get; set; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Packages added to the cache.</summary>
    public int Added { get; set; }

    /// <summary>Packages updated.</summary>
    public int Updated { get; set; }

    /// <summary>Packages unchanged.</summary>
    public int Unchanged { get; set; }

    /// <summary>Packages removed.</summary>
    public int Removed { get; set; }

    /// <summary>The source's revision after the sync.</summary>
    public string? Revision { get; set; }

    /// <summary>What failed, when it failed.</summary>
    public string? Error { get; set; }

    /// <summary>The outcome per package.</summary>
    public List<SyncRunPackageRow> Packages { get; set; } = [];
}

/// <summary>The outcome of one package in one sync run.</summary>
public sealed class SyncRunPackageRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The run.</summary>
    public long SyncRunId { get; set; }

    /// <summary>Plugin id.</summary>
    public required string PluginId { get; set; }

    /// <summary>Version.</summary>
    public required string Version { get; set; }

    /// <summary>Digest, when known.</summary>
    public string? Digest { get; set; }

    /// <summary>added | unchanged | failed.</summary>
    public required string Outcome { get; set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; set; }
}

/// <summary>A plugin in the catalog: from packages (synced or uploaded), or registered as running elsewhere.</summary>
public sealed class PluginRow : IRevisioned
{
    /// <summary>The plugin id.</summary>
    public required string Id { get; set; }

    /// <summary><c>package</c> or <c>registered</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Service type of a registered plugin (e.g. <c>identity.datasource</c>).</summary>
    public string? ServiceType { get; set; }

    /// <summary>Address of a registered plugin's endpoint.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Container image of a registered plugin.</summary>
    public string? Image { get; set; }

    /// <summary>When it entered the catalog.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <inheritdoc />
    public Guid Revision { get; set; }

    /// <summary>Its versions.</summary>
    public List<PluginVersionRow> Versions { get; set; } = [];
}

/// <summary>One version of a plugin with what its manifest says.</summary>
public sealed class PluginVersionRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The plugin id.</summary>
    public required string PluginId { get; set; }

    /// <summary>Normalized SemVer.</summary>
    public required string Version { get; set; }

    /// <summary>Content digest of the package; null for a registered plugin.</summary>
    public string? Digest { get; set; }

    /// <summary>The key id that signed the package, when signed.</summary>
    public string? SignatureKeyId { get; set; }

    /// <summary>Where it came from: a source name, <c>upload</c> or <c>registered</c>.</summary>
    public required string Origin { get; set; }

    /// <summary>assembly | process | endpoint | command.</summary>
    public required string Runtime { get; set; }

    /// <summary>The plugin.yaml text, the whole manifest.</summary>
    public required string ManifestYaml { get; set; }

    /// <summary>Lower-cased text searched by the catalog filter (id, names, descriptions, provider, tags).</summary>
    public required string SearchText { get; set; }

    /// <summary>Tags separated and surrounded by <c>|</c> for exact tag filters.</summary>
    public required string Tags { get; set; }

    /// <summary>Contract names separated and surrounded by <c>|</c>.</summary>
    public required string Contracts { get; set; }

    /// <summary>When it entered the catalog.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An installation: which plugin, which version or upgrade mode, with what configuration, in which scope, and where the controller has it.</summary>
public sealed class InstallationRow : IRevisioned
{
    /// <summary>The installation id.</summary>
    public required string Id { get; set; }

    /// <summary>The plugin id.</summary>
    public required string PluginId { get; set; }

    /// <summary>Where it runs; the center realizes <c>center</c>.</summary>
    public required string Scope { get; set; }

    /// <summary><c>manual</c> (stays on <see cref="PinnedVersion"/>) or <c>auto</c>.</summary>
    public required string UpgradeMode { get; set; }

    /// <summary>The version asked for in manual mode.</summary>
    public string? PinnedVersion { get; set; }

    /// <summary>The configuration without secret values (JSON object).</summary>
    public string ConfigJson { get; set; } = "{}";

    /// <summary>The secret values, AES-GCM encrypted (base64), or null when none is set.</summary>
    public string? SecretsCipher { get; set; }

    /// <summary>The controller's phase.</summary>
    public required string Phase { get; set; }

    /// <summary>Why it is in this phase.</summary>
    public string? Reason { get; set; }

    /// <summary>The version realized (or being realized).</summary>
    public string? Version { get; set; }

    /// <summary>The metadata Init returned (JSON object).</summary>
    public string? MetadataJson { get; set; }

    /// <summary>Whether Verify said ready.</summary>
    public bool? VerifyReady { get; set; }

    /// <summary>Verify's reason when not ready.</summary>
    public string? VerifyReason { get; set; }

    /// <summary>Bumped on every change of what is asked (version, mode, configuration).</summary>
    public long Generation { get; set; } = 1;

    /// <summary>The generation realized last; equal to <see cref="Generation"/> when up to date.</summary>
    public long ObservedGeneration { get; set; }

    /// <summary>Failed attempts in a row.</summary>
    public int Attempts { get; set; }

    /// <summary>Not before this time is a failed installation tried again.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Uninstall asked; the controller releases it and deletes the row.</summary>
    public bool Deleting { get; set; }

    /// <summary>The Idempotency-Key of the request that created it.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Compute resources for a workload (<c>{"limits":{"cpu":…,"memory":…},"requests":{…}}</c>), or null.</summary>
    public string? ResourcesJson { get; set; }

    /// <summary>Who created it.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <inheritdoc />
    public Guid Revision { get; set; }
}

/// <summary>Something that happened: a transition, a sync, a change through the API.</summary>
public sealed class EventRow
{
    /// <summary>Increasing id (the SSE event id).</summary>
    public long Id { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>What kind, e.g. <c>installation.phase</c>, <c>source.synced</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Who: a token's name, <c>controller</c>, <c>schedule</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>The installation concerned.</summary>
    public string? InstallationId { get; set; }

    /// <summary>The plugin concerned.</summary>
    public string? PluginId { get; set; }

    /// <summary>The version concerned.</summary>
    public string? Version { get; set; }

    /// <summary>The installation's phase after the event.</summary>
    public string? Phase { get; set; }

    /// <summary>Why.</summary>
    public string? Reason { get; set; }
}

/// <summary>An API token, stored as its SHA-256 hash.</summary>
public sealed class TokenRow
{
    /// <summary>Public id (shown in lists, used to revoke).</summary>
    public required string Id { get; set; }

    /// <summary>Whose token it is (the actor of events).</summary>
    public required string Name { get; set; }

    /// <summary><c>admin</c> or <c>viewer</c>.</summary>
    public required string Role { get; set; }

    /// <summary>Hex SHA-256 of the token.</summary>
    public required string Hash { get; set; }

    /// <summary>When created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who created it.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When revoked; null while valid.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The scope a <c>host</c> token is bound to; null for the other roles.</summary>
    public string? Scope { get; set; }
}

/// <summary>A managed host: a process that realizes the installations of one scope and reports to the center.</summary>
public sealed class ManagedHostRow
{
    /// <summary>The host's name, unique in the center.</summary>
    public required string Name { get; set; }

    /// <summary>The scope whose installations it runs.</summary>
    public required string Scope { get; set; }

    /// <summary>The id of the token it registered with (a name stays with the token that took it).</summary>
    public required string TokenId { get; set; }

    /// <summary>The runtimes it can run, separated by <c>|</c>.</summary>
    public string Runtimes { get; set; } = "";

    /// <summary>The contracts it declares, separated by <c>|</c>.</summary>
    public string Contracts { get; set; } = "";

    /// <summary>The Plugboard version it runs.</summary>
    public string? PlugboardVersion { get; set; }

    /// <summary>When it first registered.</summary>
    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>When it last registered, watched or reported.</summary>
    public DateTimeOffset LastContactAt { get; set; }
}

/// <summary>What one managed host last reported about one installation of its scope.</summary>
public sealed class ManagedHostReportRow
{
    /// <summary>The host.</summary>
    public required string HostName { get; set; }

    /// <summary>The installation.</summary>
    public required string InstallationId { get; set; }

    /// <summary>The host's phase for it (Loading, Active, Failed, …).</summary>
    public required string Phase { get; set; }

    /// <summary>The version it runs.</summary>
    public string? Version { get; set; }

    /// <summary>The installation generation it applied.</summary>
    public long Generation { get; set; }

    /// <summary>Init's metadata (JSON object).</summary>
    public string? MetadataJson { get; set; }

    /// <summary>Verify's answer.</summary>
    public bool? VerifyReady { get; set; }

    /// <summary>Verify's reason when not ready.</summary>
    public string? VerifyReason { get; set; }

    /// <summary>Whether the plugin serves (its runtime's health).</summary>
    public bool Healthy { get; set; }

    /// <summary>Why it is in this phase.</summary>
    public string? Reason { get; set; }

    /// <summary>When the host reported it.</summary>
    public DateTimeOffset ReportedAt { get; set; }
}

/// <summary>
/// A lease on a piece of work shared by several center replicas (an installation, a source's sync): who holds it
/// and until when. Taken and renewed by one conditional UPDATE each (Coordination/Leases.cs).
/// </summary>
public sealed class LeaseRow
{
    /// <summary>What it is a lease on, e.g. <c>installation:inst_…</c> or <c>sync:demo</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The replica holding it.</summary>
    public required string Holder { get; set; }

    /// <summary>When it lapses unless renewed; after that any replica may take it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Increased each time the lease changes hands: a holder's work is fenced by the value it took it with.</summary>
    public long Fence { get; set; }
}
