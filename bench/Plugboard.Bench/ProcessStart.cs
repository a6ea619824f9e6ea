using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Plugboard.Hosting;
using UserSync;
using UserSync.Rpc;

namespace Plugboard.Bench;

/// <summary>
/// Spawn to first successful call of the sample process plugins (C# and Node): the host starts the
/// process, completes the handshake, runs Init and Verify, and a contract call answers.
/// </summary>
internal static class ProcessStart
{
    public static async Task RunAsync(string root, string repository, int rounds)
    {
        var plugins = Path.Combine(root, "process-plugins");
        if (Directory.Exists(plugins))
        {
            Directory.Delete(plugins, recursive: true);
        }

        // The sample as its project publishes it (ReadyToRun, invariant globalization, no tiered PGO, no concurrent GC),
        // and with those settings undone one step at a time, to show what each buys.
        var csharp = Path.Combine(plugins, "custom-csv-process");
        Run("dotnet", repository, "publish", "samples/usersync/plugins/CSharpProcess", "-c", "Release", "-nologo", "-v:quiet", "-o", csharp);
        var jit = Path.Combine(plugins, "jit", "custom-csv-process");
        Run("dotnet", repository, "publish", "samples/usersync/plugins/CSharpProcess", "-c", "Release", "-nologo", "-v:quiet", "-o", jit,
            "-p:PublishReadyToRun=false", "--no-restore");
        var untuned = Path.Combine(plugins, "untuned", "custom-csv-process");
        Run("dotnet", repository, "publish", "samples/usersync/plugins/CSharpProcess", "-c", "Release", "-nologo", "-v:quiet", "-o", untuned,
            "-p:PublishReadyToRun=false", "-p:InvariantGlobalization=false", "-p:TieredPGO=true", "-p:ConcurrentGarbageCollection=true");
        var nodeSource = Path.Combine(repository, "samples/usersync/plugins/node-datasource");
        if (!Directory.Exists(Path.Combine(nodeSource, "node_modules")))
        {
            Run("npm", nodeSource, "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }

        var node = Path.Combine(plugins, "custom-node-directory");
        CopyDirectory(nodeSource, node);

        var services = new ServiceCollection().AddLogging();
        services.AddPlugboard(o => o.PluginsDirectory = null)
            .AddRpcContract<IDataSource>(invoker => new DataSourceRpcClient(invoker));
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        // Interleaved, so a noisy moment hits all alike.
        List<double> tuned = [], withoutR2R = [], none = [], nodeStarts = [];
        for (var round = 0; round < rounds + 1; round++)
        {
            var first = round == 0; // warms the file cache and the host's JIT
            Add(tuned, await StartOnceAsync(host, csharp), first);
            Add(withoutR2R, await StartOnceAsync(host, jit), first);
            Add(none, await StartOnceAsync(host, untuned), first);
            Add(nodeStarts, await StartOnceAsync(host, node), first);
        }

        Figure.Print("rpc", "process_start_ms_csharp", Figure.Percentile(tuned, 50), "ms");
        Figure.Print("rpc", "process_start_ms_csharp_without_r2r", Figure.Percentile(withoutR2R, 50), "ms");
        Figure.Print("rpc", "process_start_ms_csharp_untuned", Figure.Percentile(none, 50), "ms");
        Figure.Print("rpc", "process_start_ms_node", Figure.Percentile(nodeStarts, 50), "ms");
        await host.StopAsync();
    }

    private static void Add(List<double> samples, double sample, bool warmUp)
    {
        if (!warmUp)
        {
            samples.Add(sample);
        }
    }

    private static async Task<double> StartOnceAsync(PluginHost host, string folder)
    {
        var stopwatch = Stopwatch.StartNew();
        var status = await host.LoadAsync(folder);
        if (!status.IsActive)
        {
            throw new InvalidOperationException($"{status.Id}: {status.Phase} {status.Error} {status.Verification}");
        }

        var test = await host.Registry<IDataSource>().Get(status.Id).TestConnectionAsync();
        stopwatch.Stop();
        if (!test.Ok)
        {
            throw new InvalidOperationException($"{status.Id}: {test.Message}");
        }

        await host.UnloadAsync(status.Id);
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    private static void Run(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}");
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
