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
    public static async Task RunAsync(string root, string repository, int rounds, string? aotPlugin = null)
    {
        var plugins = Path.Combine(root, "process-plugins");
        if (Directory.Exists(plugins))
        {
            Directory.Delete(plugins, recursive: true);
        }

        // The sample as its project publishes it (ReadyToRun, invariant globalization, no tiered PGO, no concurrent GC),
        // with those settings undone one step at a time, and with the further steps tried on top of it, to show what each buys.
        var csharp = Path.Combine(plugins, "custom-csv-process");
        Publish(repository, csharp);
        var jit = Path.Combine(plugins, "jit", "custom-csv-process");
        Publish(repository, jit, "-p:PublishReadyToRun=false", "--no-restore");
        var untuned = Path.Combine(plugins, "untuned", "custom-csv-process");
        Publish(repository, untuned, "-p:PublishReadyToRun=false", "-p:InvariantGlobalization=false", "-p:TieredPGO=true", "-p:ConcurrentGarbageCollection=true");
        List<(string Metric, string Folder)> kinds =
        [
            ("process_start_ms_csharp", csharp),
            ("process_start_ms_csharp_without_r2r", jit),
            ("process_start_ms_csharp_untuned", untuned),
        ];

        // Tiered compilation off: what has no ReadyToRun code is compiled optimized at once, and nothing is compiled twice.
        var tieringOff = Path.Combine(plugins, "tiering-off", "custom-csv-process");
        CopyDirectory(csharp, tieringOff);
        SetRuntimeOption(tieringOff, "System.Runtime.TieredCompilation", false);
        kinds.Add(("process_start_ms_csharp_tiered_compilation_off", tieringOff));

        // Native AOT only when given, published beforehand (a long compile; CI never does it):
        // dotnet publish samples/usersync/plugins/CSharpProcess -c Release -r linux-x64 -p:PublishAot=true -p:PublishReadyToRun=false -o DIR
        if (aotPlugin is not null)
        {
            var aot = Path.Combine(plugins, "aot", "custom-csv-process");
            CopyDirectory(Path.GetFullPath(aotPlugin), aot);
            SetEntry(aot, "UserSync.Plugins.CsvProcess");
            kinds.Add(("process_start_ms_csharp_aot", aot));
        }

        var nodeSource = Path.Combine(repository, "samples/usersync/plugins/node-datasource");
        if (!Directory.Exists(Path.Combine(nodeSource, "node_modules")))
        {
            Run("npm", nodeSource, "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }

        var node = Path.Combine(plugins, "custom-node-directory");
        CopyDirectory(nodeSource, node);
        kinds.Add(("process_start_ms_node", node));

        var services = new ServiceCollection().AddLogging();
        services.AddPlugboard(o => o.PluginsDirectory = null)
            .AddRpcContract<IDataSource>(invoker => new DataSourceRpcClient(invoker));
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        // Interleaved, so a noisy moment hits all alike.
        var samples = kinds.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds + 1; round++)
        {
            var first = round == 0; // warms the file cache and the host's JIT
            for (var kind = 0; kind < kinds.Count; kind++)
            {
                Add(samples[kind], await StartOnceAsync(host, kinds[kind].Folder), first);
            }
        }

        for (var kind = 0; kind < kinds.Count; kind++)
        {
            Figure.Print("rpc", kinds[kind].Metric, Figure.Percentile(samples[kind], 50), "ms");
        }

        await host.StopAsync();
    }

    private static void Publish(string repository, string output, params string[] options) =>
        Run("dotnet", repository, ["publish", "samples/usersync/plugins/CSharpProcess", "-c", "Release", "-nologo", "-v:quiet", "-o", output, .. options]);

    // A native build starts its own executable, not `dotnet X.dll`.
    private static void SetEntry(string folder, string executable)
    {
        var manifest = Path.Combine(folder, "plugin.yaml");
        var lines = File.ReadAllLines(manifest);
        var entry = Array.FindIndex(lines, line => line.StartsWith("entry:", StringComparison.Ordinal));
        if (entry < 0 || entry + 1 >= lines.Length || !lines[entry + 1].TrimStart().StartsWith("default:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{manifest}: expected 'entry:' followed by '  default: …'");
        }

        lines[entry + 1] = "  default: " + executable;
        File.WriteAllLines(manifest, lines);
    }

    private static void SetRuntimeOption(string folder, string name, bool value)
    {
        var path = Directory.GetFiles(folder, "*.runtimeconfig.json").Single();
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var options = config["runtimeOptions"]!.AsObject();
        if (options["configProperties"] is not System.Text.Json.Nodes.JsonObject properties)
        {
            properties = [];
            options["configProperties"] = properties;
        }

        properties[name] = value;
        File.WriteAllText(path, config.ToJsonString());
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
