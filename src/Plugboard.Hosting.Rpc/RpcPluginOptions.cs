namespace Plugboard.Hosting.Rpc;

/// <summary>
/// How the host runs and calls one out-of-process plugin. Configure defaults for all plugins with
/// <c>services.AddPlugboardRpc(o =&gt; …)</c> and one plugin's with
/// <c>services.Configure&lt;RpcPluginOptions&gt;("custom-x", o =&gt; …)</c> (named options, by plugin id).
/// </summary>
public sealed class RpcPluginOptions
{
    /// <summary>The deadline given to every call that has none of its own, streaming calls included. Default 30 seconds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a started process may take to print its handshake line (or an endpoint to answer its first health check). Default 60 seconds.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many stdout lines that are not a handshake a plugin may print before it; more fails the start. Default 100.</summary>
    public int MaxNoiseLines { get; set; } = 100;

    /// <summary>How often <c>grpc.health.v1.Health/Check</c> is called. Default 10 seconds.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The deadline of one health check. Default 5 seconds.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many health checks in a row may fail (no answer, an error) before a process plugin is killed and restarted,
    /// or an endpoint plugin counts as not serving. An answer of NOT_SERVING takes effect at once. Default 3.
    /// </summary>
    public int UnhealthyThreshold { get; set; } = 3;

    /// <summary>The wait before the first restart after a crash; it doubles with each crash in a row. Default 500 ms.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between restarts. Default 30 seconds.</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How much each restart delay is spread at random, as a fraction of it (0.2: ±20 %), so plugins that crashed
    /// together are not restarted in the same instant. Never beyond <see cref="MaxRestartDelay"/>. Default 0.2.
    /// </summary>
    public double RestartJitter { get; set; } = 0.2;

    /// <summary>After running this long without a crash, a process's restart delay starts again from <see cref="RestartDelay"/>. Default 1 minute.</summary>
    public TimeSpan RestartBackoffReset { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The deadline of the Shutdown call that begins a graceful stop. Default 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a process may take to exit after Shutdown, once its stdin is closed and it got SIGTERM, before its
    /// process tree is killed. Default 10 seconds.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How a process plugin is asked to listen. Default: a unix socket (loopback TCP on Windows).</summary>
    public PluginTransport Transport { get; set; } = OperatingSystem.IsWindows() ? PluginTransport.Tcp : PluginTransport.UnixSocket;

    /// <summary>The lowest loopback TCP port a process plugin may listen on (go-plugin's default range). Default 10000.</summary>
    public int MinPort { get; set; } = 10000;

    /// <summary>The highest loopback TCP port a process plugin may listen on. Default 25000.</summary>
    public int MaxPort { get; set; } = 25000;

    /// <summary>
    /// Whether to use automatic mutual TLS with a process plugin: the host makes an ephemeral client certificate,
    /// the plugin answers its own in the handshake, and each side accepts only the other. Default false.
    /// </summary>
    public bool AutoMutualTls { get; set; }

    /// <summary>The largest message received from or sent to the plugin. Default 4 MiB.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>How many of the plugin's last stderr lines are quoted when it fails to start or crashes. Default 20.</summary>
    public int StderrLinesKept { get; set; } = 20;

    /// <summary>Extra environment variables for a process plugin (beyond the host's own and the handshake's).</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Interceptors of every call to the plugin (Grpc.Core.Api's <see cref="Grpc.Core.Interceptors.Interceptor"/>), outermost
    /// first. They see each call with the plugin id in its <see cref="Calls.PluginCallHeaders.PluginId"/> header, before the
    /// host's own (logging, metrics, deadline, fail-fast while the plugin is down).
    /// </summary>
    public IList<Grpc.Core.Interceptors.Interceptor> Interceptors { get; } = [];

    /// <summary>
    /// For the endpoint runtime: the address to call instead of the manifest's entry, e.g. <c>grpc://ldap-plugin:5000</c>,
    /// <c>http://127.0.0.1:5000</c> or <c>unix:///run/plugin.sock</c>.
    /// </summary>
    public string? EndpointAddress { get; set; }
}

/// <summary>How a process plugin listens.</summary>
public enum PluginTransport
{
    /// <summary>A unix domain socket in a folder the host creates (PLUGIN_UNIX_SOCKET_DIR).</summary>
    UnixSocket,

    /// <summary>A loopback TCP port in [PLUGIN_MIN_PORT, PLUGIN_MAX_PORT].</summary>
    Tcp,
}
