using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Plugboard.Tests.Shared;

/// <summary>
/// A real S3-compatible server: the npm package s3rver (pinned in <c>tests/Shared/S3/s3rver/package.json</c>, installed there
/// with npm when missing) run by node on 127.0.0.1 and a port it picks, with a temp data folder and one bucket.
/// Stopped, with its process tree and folder, on dispose. It accepts the access key S3RVER / secret S3RVER.
/// </summary>
public sealed partial class S3rver : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private readonly Process _process;
    private readonly TempFolder _data;
    private readonly List<string> _output = [];

    private S3rver(Process process, TempFolder data, string bucket)
    {
        _process = process;
        _data = data;
        Bucket = bucket;
    }

    public string Bucket { get; }

    public int Port { get; private set; }

    public string Endpoint => $"{Scheme}://127.0.0.1:{Port}";

    private string Scheme { get; init; } = "http";

    /// <summary>Starts s3rver with <paramref name="bucket"/> created; over TLS when a PEM key and certificate are given.</summary>
    public static async Task<S3rver> StartAsync(string bucket, (string KeyPath, string CertPath)? tls = null)
    {
        var folder = await EnsureInstalledAsync();
        var data = new TempFolder("s3rver");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "node_modules/s3rver/bin/s3rver.js", "-d", data.Path, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket })
        {
            start.ArgumentList.Add(arg);
        }

        if (tls is { } pair)
        {
            start.ArgumentList.Add("--key");
            start.ArgumentList.Add(pair.KeyPath);
            start.ArgumentList.Add("--cert");
            start.ArgumentList.Add(pair.CertPath);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var server = new S3rver(process, data, bucket) { Scheme = tls is null ? "http" : "https" };
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.Record(e.Data, listening);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data, listening);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = process.WaitForExitAsync().ContinueWith(_ => listening.TrySetException(new InvalidOperationException("s3rver exited before listening:\n" + server.Output)), TaskScheduler.Default);

        try
        {
            server.Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await WaitUntilAnsweringAsync(server.Port);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(50));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            _data.Dispose();
        }
    }

    private void Record(string? line, TaskCompletionSource<int> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The folder with s3rver's package.json; runs npm there when node_modules is missing (the test script installs it first).</summary>
    private static async Task<string> EnsureInstalledAsync()
    {
        var folder = FindFolder();
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js")))
            {
                var npm = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in new[] { File.Exists(Path.Combine(folder, "package-lock.json")) ? "ci" : "install", "--no-audit", "--no-fund", "--loglevel=error" })
                {
                    npm.ArgumentList.Add(arg);
                }

                using var process = Process.Start(npm)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm could not install s3rver in {folder}: {await stderr}{await stdout}");
                }
            }
        }
        finally
        {
            InstallGate.Release();
        }

        return folder;
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Shared", "S3", "s3rver");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No tests/Shared/S3/s3rver/package.json found above {AppContext.BaseDirectory}; run the tests from the repository.");
    }

    private static async Task WaitUntilAnsweringAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    [GeneratedRegex(@"listening on [^\s:]+:(\d+)")]
    private static partial Regex Listening();
}
