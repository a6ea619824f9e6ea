namespace Plugboard.Hosting.Runtimes;

/// <summary>
/// Whether a loaded plugin serves calls now, as its runtime sees it: a process plugin that crashed and is being
/// restarted, or that answers NOT_SERVING on its health check, does not.
/// </summary>
/// <param name="IsServing">Whether calls can reach the plugin.</param>
/// <param name="Reason">
/// Why not, in words an operator can act on (<c>its process (pid 4242) exited with code 137; restarting it in 2 s
/// (restart 3)</c>); when serving, optionally how it came back. Null when there is nothing to say.
/// </param>
public sealed record PluginHealth(bool IsServing, string? Reason)
{
    /// <summary>Serving, with nothing to say: what every loaded plugin is until its runtime reports otherwise.</summary>
    public static PluginHealth Serving { get; } = new(true, null);
}
