using Microsoft.Extensions.Options;

namespace Plugboard.Server.Configuration;

/// <summary>The center's settings (section <c>Plugboard</c>).</summary>
public sealed class CenterOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Plugboard";

    /// <summary>
    /// Where the center keeps its SQLite file, package cache, secret key and extracted plugins
    /// (<c>--data DIR</c>, <c>PLUGBOARD_DATA</c>); default <c>~/.plugboard/center</c>.
    /// </summary>
    public string Data { get; set; } = DefaultDataDirectory;

    /// <summary>The store.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>Secrets at rest.</summary>
    public SecretOptions Secrets { get; set; } = new();

    /// <summary>The controller.</summary>
    public ControllerOptions Controller { get; set; } = new();

    /// <summary>Managed hosts.</summary>
    public HostsOptions Hosts { get; set; } = new();

    /// <summary>
    /// The folder of contract assemblies shared with assembly plugins (plugins do not ship them); default
    /// <c>{data}/contracts</c>.
    /// </summary>
    public string? ContractsDirectory { get; set; }

    /// <summary>A folder source to add (and sync) at first start, e.g. the samples; null for none.</summary>
    public string? DemoSource { get; set; }

    /// <summary>The largest request body accepted, in bytes (a package upload included).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The largest JSON body accepted, in bytes.</summary>
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Where plugins registered with an image run (section <c>Plugboard:Kubernetes</c>).</summary>
    public Plugboard.Server.Kubernetes.KubernetesOptions Kubernetes { get; set; } = new();

    /// <summary>How replicas on one store share work (section <c>Plugboard:Coordination</c>).</summary>
    public Plugboard.Server.Coordination.CoordinationOptions Coordination { get; set; } = new();

    /// <summary>Where the package cache is: the data folder (default) or a bucket shared by replicas (section <c>Plugboard:Cache</c>).</summary>
    public CenterCacheOptions Cache { get; set; } = new();

    /// <summary>The default data directory, one a user can find: <c>~/.plugboard/center</c>.</summary>
    public static string DefaultDataDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".plugboard", "center");

    /// <summary>The data directory, absolute.</summary>
    public string DataDirectory => Path.GetFullPath(Data);
}

/// <summary>Which database holds the store.</summary>
public sealed class StoreOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The connection string; for SQLite the default is <c>{data}/center.db</c>; for PostgreSQL also <c>PLUGBOARD_STORE</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>How secret configuration values are encrypted at rest.</summary>
public sealed class SecretOptions
{
    /// <summary>A base64 AES-256 key (32 bytes); when unset, <see cref="KeyFile"/> is read or created.</summary>
    public string? Key { get; set; }

    /// <summary>The key file; default <c>{data}/secret.key</c>, created owner-only at first start.</summary>
    public string? KeyFile { get; set; }
}

/// <summary>How the controller works.</summary>
public sealed class ControllerOptions
{
    /// <summary>Whether this center realizes installations (one center per store does, until leases exist).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scope this center realizes.</summary>
    public string Scope { get; set; } = "center";

    /// <summary>How often the controller looks at every installation even without a signal.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first retry delay after a failure; doubled per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest retry delay.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long Init and Verify may take together.</summary>
    public TimeSpan LifecycleTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// How the center treats managed hosts (section <c>Plugboard:Hosts</c>). A scope is managed when it is not the
/// center's own (<see cref="ControllerOptions.Scope"/>): hosts of that scope realize its installations, the center
/// only serves them what is desired and sums up what they report.
/// </summary>
public sealed class HostsOptions
{
    /// <summary>A host silent for longer than this is stale: listed as such and left out of phase summaries. Default 60 s.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a watch request is held open before it answers 304 Not Modified. Default 30 s.</summary>
    public TimeSpan MaxWatchWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the center sums up managed installations even without a report (stale hosts). Default 2 s.</summary>
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Checks <see cref="CenterOptions"/> at start.</summary>
public sealed class CenterOptionsValidator : IValidateOptions<CenterOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CenterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Data))
        {
            errors.Add("Plugboard:Data is empty; set --data DIR or PLUGBOARD_DATA to the folder the center keeps its store and cache in.");
        }

        var provider = options.Store.Provider?.ToLowerInvariant();
        if (provider is not ("sqlite" or "postgres"))
        {
            errors.Add($"Plugboard:Store:Provider is '{options.Store.Provider}'; use 'sqlite' (default) or 'postgres'.");
        }
        else if (provider == "postgres" && string.IsNullOrWhiteSpace(options.Store.ConnectionString))
        {
            errors.Add("Plugboard:Store:Provider is 'postgres' but no connection string is set; set Plugboard:Store:ConnectionString or PLUGBOARD_STORE (e.g. Host=127.0.0.1;Port=5432;Database=plugboard;Username=plugboard).");
        }

        if (options.Controller.InitialBackoff <= TimeSpan.Zero || options.Controller.MaxBackoff < options.Controller.InitialBackoff)
        {
            errors.Add("Plugboard:Controller: InitialBackoff must be positive and MaxBackoff at least InitialBackoff.");
        }

        if (options.Hosts.StaleAfter <= TimeSpan.Zero || options.Hosts.MaxWatchWait < TimeSpan.Zero || options.Hosts.SummaryInterval <= TimeSpan.Zero)
        {
            errors.Add("Plugboard:Hosts: StaleAfter and SummaryInterval must be positive and MaxWatchWait not negative.");
        }

        var coordination = options.Coordination;
        if (coordination.RenewInterval <= TimeSpan.Zero || coordination.RenewInterval * 3 > coordination.LeaseDuration)
        {
            errors.Add($"Plugboard:Coordination: RenewInterval ({coordination.RenewInterval}) must be positive and at most a third of LeaseDuration ({coordination.LeaseDuration}), so a lease is renewed twice before it lapses.");
        }

        if (!options.Cache.IsS3 && !string.Equals(options.Cache.Type, "fs", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Plugboard:Cache:Type is '{options.Cache.Type}'; use 'fs' (default, the data folder) or 's3' (a bucket shared by replicas, Plugboard:Cache:S3).");
        }
        else if (options.Cache.IsS3)
        {
            errors.AddRange(options.Cache.S3.Validate().Select(e => "Plugboard:Cache:S3: " + e));
        }

        if (coordination.EventPollInterval <= TimeSpan.Zero)
        {
            errors.Add($"Plugboard:Coordination:EventPollInterval ({coordination.EventPollInterval}) must be positive.");
        }

        var kubernetes = options.Kubernetes;
        if (kubernetes.Port is < 1 or > 65535)
        {
            errors.Add($"Plugboard:Kubernetes:Port is {kubernetes.Port}; use the port plugin containers serve gRPC on (1-65535, default 50051).");
        }

        if (string.IsNullOrWhiteSpace(kubernetes.Namespace) || !System.Text.RegularExpressions.Regex.IsMatch(kubernetes.Namespace, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"))
        {
            errors.Add($"Plugboard:Kubernetes:Namespace is '{kubernetes.Namespace}'; use a Kubernetes namespace name (lower-case letters, digits and dashes).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
