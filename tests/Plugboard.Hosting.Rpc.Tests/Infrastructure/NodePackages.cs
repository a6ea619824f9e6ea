using System.Diagnostics;

namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>Runs npm ci (or install) in a Node folder once, when its node_modules is absent.</summary>
public static class NodePackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureInstalledAsync(string directory)
    {
        await Gate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(directory, "node_modules", "@grpc", "grpc-js")))
            {
                return;
            }

            var command = File.Exists(Path.Combine(directory, "package-lock.json")) ? "ci" : "install";
            var info = new ProcessStartInfo("npm") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { command, "--no-audit", "--no-fund", "--loglevel=error" })
            {
                info.ArgumentList.Add(argument);
            }

            using var npm = Process.Start(info)!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm {command} in {directory} failed ({npm.ExitCode}): {await errors}{await output}");
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
