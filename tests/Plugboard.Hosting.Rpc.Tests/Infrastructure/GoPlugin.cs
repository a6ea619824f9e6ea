using System.Diagnostics;

namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>
/// The go-plugin test plugin (tests/go-plugin): runs its build.sh once when the binary is missing or older than its
/// source. It needs Debian's Go packages (scripts/test.sh installs them). Only a local run without Go may go without:
/// under CI the tests fail rather than pass unrun.
/// </summary>
public static class GoPlugin
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Directory { get; } = Path.Combine(TestPaths.RepositoryRoot, "tests", "go-plugin");

    public static string Entry => "bin/go-datasource";

    private static string Binary => Path.Combine(Directory, "bin", "go-datasource");

    /// <summary>Why the Go tests cannot run here (no Go outside CI), or null when the plugin is built.</summary>
    public static async Task<string?> EnsureBuiltAsync()
    {
        await Gate.WaitAsync();
        try
        {
            var source = Path.Combine(Directory, "src", "plugboard-go-datasource", "main.go");
            if (File.Exists(Binary) && File.GetLastWriteTimeUtc(Binary) >= File.GetLastWriteTimeUtc(source)
                && File.Exists(Path.Combine(Directory, "examples", "datasource.protoset")))
            {
                return null;
            }

            if (!File.Exists("/usr/bin/go") && Environment.GetEnvironmentVariable("CI") != "true")
            {
                return "no Go here (apt-get install golang-go golang-github-hashicorp-go-plugin-dev …, as scripts/test.sh does)";
            }

            var info = new ProcessStartInfo("/bin/bash") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("build.sh");
            using var build = Process.Start(info)!;
            var output = build.StandardOutput.ReadToEndAsync();
            var errors = build.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await build.WaitForExitAsync(timeout.Token);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"tests/go-plugin/build.sh failed ({build.ExitCode}): {await errors}{await output}");
            }

            return null;
        }
        finally
        {
            Gate.Release();
        }
    }
}
