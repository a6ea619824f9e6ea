using System.Collections.Concurrent;

namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>
/// The plugin processes this host started and has not stopped yet. When the host process exits without stopping
/// them (an unhandled exception, <c>Environment.Exit</c>, SIGTERM without a graceful shutdown), their process trees are
/// killed on the way out; when it is killed outright, the plugins see their stdin close and exit by themselves.
/// </summary>
internal static class RunningPlugins
{
    private static readonly ConcurrentDictionary<PluginProcess, byte> Processes = new();

    static RunningPlugins() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Add(PluginProcess process) => Processes.TryAdd(process, 0);

    public static void Remove(PluginProcess process) => Processes.TryRemove(process, out _);

    private static void KillAll()
    {
        foreach (var process in Processes.Keys)
        {
            process.Kill();
        }
    }
}
