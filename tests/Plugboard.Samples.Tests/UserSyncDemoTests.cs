using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Plugboard.Samples.Tests;

/// <summary>
/// Runs samples/usersync/demo.sh as a newcomer would: it builds the host, publishes the in-process
/// plugins, the C# process plugin and the Node plugin, and syncs from all of them.
/// </summary>
public sealed partial class UserSyncDemoTests
{
    [Fact]
    public async Task Demo_syncs_from_the_built_in_the_in_process_and_the_out_of_process_plugins()
    {
        var (exitCode, output) = await RunAsync(Path.Combine(RepositoryRoot(), "samples", "usersync", "demo.sh"));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 0, $"demo.sh exited with {exitCode}:\n{output}");
        var summary = SummaryLine().Match(lines[^1]);
        Assert.True(summary.Success, $"the last line is not the summary:\n{output}");

        // local (CSV): 6 users, 4 departments; custom-http: 7/3; custom-ldif: 3/2;
        // custom-csv-process (C# over gRPC): 6/4; custom-node-directory (Node over gRPC): 5/4.
        Assert.Equal("27", summary.Groups["users"].Value);
        Assert.Equal("17", summary.Groups["departments"].Value);
        Assert.Equal("5", summary.Groups["plugins"].Value);
    }

    [GeneratedRegex(@"^synced (?<users>\d+) users and (?<departments>\d+) departments from (?<plugins>\d+) plugins$")]
    private static partial Regex SummaryLine();

    private static async Task<(int ExitCode, string Output)> RunAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = new StringBuilder(await stdout);
        var errors = await stderr;
        return (process.ExitCode, process.ExitCode == 0 ? output.ToString() : output.Append(errors).ToString());
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Plugboard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Plugboard.sln not found above " + AppContext.BaseDirectory);
    }
}
