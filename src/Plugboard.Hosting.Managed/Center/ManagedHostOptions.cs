namespace Plugboard.Hosting.Managed;

/// <summary>How a host reaches its plugin center (section <c>Plugboard:Center</c>).</summary>
public sealed class ManagedHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Plugboard:Center";

    /// <summary>The center's address, e.g. <c>https://plugboard.example.com</c>; <c>http://</c> only on loopback.</summary>
    public Uri? Url { get; set; }

    /// <summary>A <c>host</c> token of the center (<c>plugboard tokens create NAME --role host --scope SCOPE</c>).</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token (read at start), instead of <see cref="Token"/>.</summary>
    public string? TokenFile { get; set; }

    /// <summary>The scope whose installations this host runs; must be its token's.</summary>
    public string? Scope { get; set; }

    /// <summary>This host's name in the center; default the machine name.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Where the host keeps its package cache, the current plugin folders and the last desired state (encrypted, with a
    /// host-local key file); default <c>~/.plugboard/host/{Name}</c>.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>The runtimes this host can run, as it tells the center; default <c>assembly</c>.</summary>
    public IList<string> Runtimes { get; } = [];

    /// <summary>How often the host re-registers and reports when nothing changes. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one watch request waits for a change at the center. Default 25 s.</summary>
    public TimeSpan WatchWait { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The first retry delay while the center is unreachable; doubled up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay while the center is unreachable. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The host name used: <see cref="Name"/> or the machine name.</summary>
    public string ResolvedName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name;

    /// <summary>The state folder used.</summary>
    public string ResolvedStateDirectory => Path.GetFullPath(StateDirectory ?? Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".plugboard", "host", ResolvedName));
}
