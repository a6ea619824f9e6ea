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

        var csharp = Path.Combine(plugins, "custom-csv-process");
        Run("dotnet", repository, "publish", "samples/usersync/plugins/CSharpProcess", "-c", "Release", "-nologo", "-v:quiet", "-o", csharp);
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

        Figure.Print("rpc", "process_start_ms_csharp", await MedianStartAsync(host, csharp, rounds), "ms");
        Figure.Print("rpc", "process_start_ms_node", await MedianStartAsync(host, node, rounds), "ms");
        await host.StopAsync();
    }

    private static async Task<double> MedianStartAsync(PluginHost host, string folder, int rounds)
    {
        var samples = new List<double>();
        for (var round = 0; round < rounds + 1; round++)
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
            if (round > 0)
            {
                // The first start warms the file cache and the JIT of the host side.
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return Figure.Percentile(samples, 50);
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
