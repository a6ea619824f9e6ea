using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>
/// The host's guard against orphans, for plugins that do not exit when their stdin closes (go-plugin's do not): a
/// small <c>/bin/sh</c> process per plugin process that waits for end of input on a pipe the host holds. When the host
/// dies, even by SIGKILL, the pipe closes and the watchdog kills the plugin (SIGKILL), removes the socket the plugin
/// announced outside its socket folder (go-plugin ignores <c>PLUGIN_UNIX_SOCKET_DIR</c>) and the socket folder. While the
/// host lives, the host stops the plugin itself and kills the watchdog. Unix only (none on Windows).
/// </summary>
internal sealed class PluginWatchdog : IDisposable
{
    // $1: the plugin's pid; $2: the socket folder the host made (or empty). Lines read: a socket to remove.
    private const string Script = """
        socket=
        while IFS= read -r line; do socket=$line; done
        kill -KILL "$1" 2>/dev/null
        if [ -n "$socket" ]; then rm -f -- "$socket"; fi
        if [ -n "$2" ]; then rm -rf -- "$2"; fi
        """;

    private readonly Process _process;

    private PluginWatchdog(Process process) => _process = process;

    /// <summary>Starts the watchdog of <paramref name="pluginPid"/>; null on Windows or when no shell could be started.</summary>
    public static PluginWatchdog? Start(int pluginPid, string? socketDirectory)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,

            // Pipes of its own, never the host's stdout: a reader of the host's output must not wait for the watchdog.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add("plugboard-watchdog");
        info.ArgumentList.Add(pluginPid.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(socketDirectory ?? string.Empty);
        var process = new Process { StartInfo = info };
        try
        {
            if (process.Start())
            {
                return new PluginWatchdog(process);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No shell: the plugin's own exit on stdin EOF is the only guard left.
        }

        process.Dispose();
        return null;
    }

    /// <summary>Tells the watchdog to remove <paramref name="socketPath"/> too should the host die.</summary>
    public void RemoveOnHostDeath(string socketPath)
    {
        try
        {
            _process.StandardInput.WriteLine(socketPath);
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The watchdog is gone; the host removes the socket itself when it stops the plugin.
        }
    }

    /// <summary>Stops the watchdog (the host is alive and has stopped the plugin itself).</summary>
    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.Dispose();
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a unix socket something listens on: what the host checks before it takes
    /// charge of removing a socket a plugin made outside its socket folder, so it never deletes anything else.
    /// </summary>
    public static bool IsListeningSocket(string path)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException or IOException)
        {
            return false;
        }
    }
}
