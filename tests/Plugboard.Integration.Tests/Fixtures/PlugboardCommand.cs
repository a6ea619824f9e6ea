using System.Diagnostics;
using System.Reflection;

namespace Plugboard.Integration.Tests.Fixtures;

/// <summary>How a <c>plugboard</c> process ended.</summary>
/// <param name="Killed">Whether it died of the SIGKILL sent to it (rather than finishing first).</param>
/// <param name="ExitCode">Its exit code; 137 (128 + SIGKILL) when killed.</param>
public sealed record CommandOutcome(bool Killed, int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}{(Killed ? " (killed)" : string.Empty)}{Environment.NewLine}stdout: {Output}{Environment.NewLine}stderr: {Error}";
}

/// <summary>
/// Runs the built <c>plugboard.dll</c> (src/Plugboard.Cli, built with this project) as a child process, as an operator
/// would, and can SIGKILL it — the whole process tree — the moment a condition holds, as a crash or an OOM kill would.
/// </summary>
public sealed class PlugboardCommand(string home)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    public static string Assembly { get; } = typeof(PlugboardCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PlugboardCliAssembly").Value!;

    /// <summary>Runs <c>plugboard <paramref name="args"/></c> to its end.</summary>
    public Task<CommandOutcome> RunAsync(params string[] args) => RunAsync(args, killWhen: null);

    /// <summary>
    /// Runs <c>plugboard <paramref name="args"/></c>, polling <paramref name="killWhen"/> (given the time since the start)
    /// about every millisecond while it runs; when it holds, the process is killed at once without any chance to clean up.
    /// With <paramref name="killOnCreated"/>, it is also killed the moment a file matching the pattern is created in the
    /// folder: file-system events come within a fraction of a millisecond, for moments too short to poll for.
    /// </summary>
    public async Task<CommandOutcome> RunAsync(string[] args, Func<TimeSpan, bool>? killWhen, (string Folder, string Pattern)? killOnCreated = null)
    {
        if (!File.Exists(Assembly))
        {
            throw new FileNotFoundException($"The plugboard command was not built at {Assembly}; build tests/Plugboard.Integration.Tests (it builds src/Plugboard.Cli).", Assembly);
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the user's ~/.plugboard or of the environment's Plugboard settings may leak in.
        start.Environment["PLUGBOARD_HOME"] = home;
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PLUGBOARD__", StringComparison.OrdinalIgnoreCase) || k == "PLUGBOARD_CONFIG").ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var clock = Stopwatch.StartNew();

        // Disposed before the process (declared after it), so no event can reach a disposed process.
        using var watcher = killOnCreated is { } created ? new FileSystemWatcher(created.Folder, created.Pattern) { NotifyFilter = NotifyFilters.FileName } : null;
        try
        {
            if (watcher is not null)
            {
                watcher.Created += (_, _) => Kill(process);
                watcher.EnableRaisingEvents = true;
            }

            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (killWhen is not null)
            {
                await Task.Factory.StartNew(() => WatchAndKill(process, clock, killWhen), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            using (var timeout = new CancellationTokenSource(Bound))
            {
                await process.WaitForExitAsync(timeout.Token);
            }

            const int KilledBySigkill = 128 + 9;
            return new CommandOutcome(process.ExitCode == KilledBySigkill, process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
    }

    private static void WatchAndKill(Process process, Stopwatch clock, Func<TimeSpan, bool> killWhen)
    {
        while (!process.HasExited && clock.Elapsed < Bound)
        {
            bool hit;
            try
            {
                hit = killWhen(clock.Elapsed);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The folders probed are being changed by the process; look again.
                hit = false;
            }

            if (hit)
            {
                Kill(process);
                return;
            }

            Thread.Sleep(1);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // It ended on its own just before.
        }
    }
}
