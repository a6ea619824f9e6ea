using System.Diagnostics;

namespace Plugboard.Tests.Shared;

/// <summary>A real <c>git daemon</c> serving every repository under a folder on 127.0.0.1 and a free port; stopping it is the network going off.</summary>
public sealed class GitDaemon : IDisposable
{
    private readonly Process _process;

    private GitDaemon(Process process, int port, string basePath)
    {
        _process = process;
        Port = port;
        BasePath = basePath;
    }

    public int Port { get; }

    public string BasePath { get; }

    public string UrlOf(string repository) => $"git://127.0.0.1:{Port}/{repository}";

    /// <param name="basePath">The folder whose repositories are served.</param>
    /// <param name="port">The port to listen on (e.g. one a client was configured with while nothing served it); a free one when null.</param>
    public static async Task<GitDaemon> StartAsync(string basePath, int? port = null)
    {
        var listenOn = port ?? FreePort.Next();
        var start = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[] { "daemon", "--reuseaddr", $"--base-path={basePath}", "--export-all", "--listen=127.0.0.1", $"--port={listenOn}", "--informative-errors", basePath })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await FreePort.WaitUntilListeningAsync(listenOn, TimeSpan.FromSeconds(20));
        }
        catch
        {
            Stop(process);
            throw;
        }

        return new GitDaemon(process, listenOn, basePath);
    }

    public void Dispose() => Stop(_process);

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
