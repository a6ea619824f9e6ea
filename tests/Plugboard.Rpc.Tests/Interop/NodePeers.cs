using System.Diagnostics;
using System.Text;

namespace Plugboard.Rpc.Tests.Interop;

/// <summary>
/// Runs the Node @grpc/grpc-js peers of tests/interop-node: installs their npm packages when absent,
/// starts them, and kills them (with their children) when done.
/// </summary>
public static class NodePeers
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool s_installed;

    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "tests", "interop-node");

    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (s_installed || System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@grpc", "grpc-js")))
            {
                s_installed = true;
                return;
            }

            var arguments = File.Exists(Path.Combine(Directory, "package-lock.json")) ? "ci" : "install";
            using var npm = Start("npm", $"{arguments} --no-audit --no-fund --loglevel=error");
            npm.StandardInput.Close();
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"'npm {arguments}' in {Directory} failed with exit code {npm.ExitCode}: {await errors} {await output}");
            }

            s_installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Starts server.js on <paramref name="target"/> and waits for its READY line.</summary>
    public static async Task<NodeServer> StartServerAsync(string target)
    {
        await EnsureInstalledAsync();
        var process = Start("node", $"server.js {target}");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"node server.js {target} exited before it was ready: {errors}");
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    return new NodeServer(process, line["READY ".Length..].Trim(), errors);
                }
            }
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>Runs client.js against <paramref name="target"/> and returns what it printed on stdout.</summary>
    public static async Task<string> RunClientAsync(string target)
    {
        await EnsureInstalledAsync();
        using var process = Start("node", $"client.js {target}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            throw new TimeoutException($"node client.js {target} did not finish in 60 s: {await errors}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node client.js {target} failed with exit code {process.ExitCode}: {await errors}");
        }

        return await output;
    }

    internal static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Starts <c>node SCRIPT</c> in the interop folder with redirected stdio and extra environment variables.</summary>
    public static async Task<Process> StartNodeAsync(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        await EnsureInstalledAsync();
        return Start("node", script, environment);
    }

    private static Process Start(string fileName, string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{fileName} {arguments}'.");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "proto", "plugboard", "v1", "plugin.proto")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (a folder with proto/plugboard/v1/plugin.proto) above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A running node server.js; disposing it kills the process.</summary>
public sealed class NodeServer(Process process, string address, StringBuilder errors) : IDisposable
{
    /// <summary>The channel address it announced: http://127.0.0.1:PORT or unix:///PATH.</summary>
    public string Address { get; } = address;

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    public void Dispose()
    {
        NodePeers.Stop(process);
        process.Dispose();
    }
}
