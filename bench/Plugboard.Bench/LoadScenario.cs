using System.Diagnostics;
using Bench.Contracts;
using Plugboard.Hosting;

namespace Plugboard.Bench;

/// <summary>
/// In-process loading: cold start of many plugins, the cost of calling through the registry, and
/// whether memory comes back after many load/unload cycles.
/// </summary>
internal static class LoadScenario
{
    private const string Name = "load";

    public static async Task RunAsync(string workDirectory, int plugins, int cycles, int peerRounds, string? readyToRunHarness)
    {
        var root = Path.Combine(workDirectory, "load");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var pluginsDirectory = Path.Combine(root, "plugins");
        PluginGenerator.Write(pluginsDirectory, plugins);

        await ColdStartAsync(pluginsDirectory, plugins);
        await CallOverheadAsync(pluginsDirectory);
        await UnloadMemoryAsync(root, pluginsDirectory, cycles);
        await UnloadManyAsync(pluginsDirectory, plugins);
        PeerComparison.Run(root, peerRounds, readyToRunHarness);
    }

    private static async Task ColdStartAsync(string pluginsDirectory, int plugins)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = pluginsDirectory });
        host.AddContract<ICalculator>();
        await host.StartAsync();
        stopwatch.Stop();

        var active = host.Registry<ICalculator>().Statuses.Count(s => s.IsActive);
        if (active != plugins)
        {
            var first = host.Statuses.FirstOrDefault(s => !s.IsActive);
            throw new InvalidOperationException($"{active} of {plugins} generated plugins became active; {first?.Id}: {first?.Phase} {first?.Error}");
        }

        Figure.Print(Name, "plugins_loaded", active, "count");
        Figure.Print(Name, "cold_start_ms", stopwatch.Elapsed.TotalMilliseconds, "ms");
        Figure.Print(Name, "load_per_plugin_ms", stopwatch.Elapsed.TotalMilliseconds / plugins, "ms");
    }

    private static async Task CallOverheadAsync(string pluginsDirectory)
    {
        await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = pluginsDirectory });
        host.AddContract<ICalculator>();
        await host.StartAsync();
        var registry = host.Registry<ICalculator>();
        var id = registry.Ids.Order(StringComparer.Ordinal).First();
        var viaRegistry = registry.Get(id);
        using var lease = registry.Acquire(id);
        var direct = lease.Instance;

        const int calls = 5_000_000;
        // Warm both paths up so tiered compilation has settled before measuring.
        Measure(direct, calls / 10);
        Measure(viaRegistry, calls / 10);

        var directNs = new List<double>();
        var registryNs = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            directNs.Add(Measure(direct, calls));
            registryNs.Add(Measure(viaRegistry, calls));
        }

        var directMedian = Figure.Percentile(directNs, 50);
        var registryMedian = Figure.Percentile(registryNs, 50);
        Figure.Print(Name, "direct_call_ns", directMedian, "ns");
        Figure.Print(Name, "registry_call_ns", registryMedian, "ns");
        Figure.Print(Name, "call_overhead_ratio", registryMedian / directMedian, "ratio");
    }

    private static double Measure(ICalculator calculator, int calls)
    {
        var sum = 0L;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            sum += calculator.Add(i, 1);
        }

        stopwatch.Stop();
        GC.KeepAlive(sum);
        return stopwatch.Elapsed.TotalNanoseconds / calls;
    }

    private static async Task UnloadManyAsync(string pluginsDirectory, int plugins)
    {
        // Every plugin unloaded at once and loaded again, 20 times: an unload must not get slower cycle after cycle.
        const int Cycles = 20;
        await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = pluginsDirectory, UnloadTimeout = TimeSpan.FromSeconds(10) });
        host.AddContract<ICalculator>();
        await host.StartAsync();
        var folders = Directory.EnumerateDirectories(pluginsDirectory).Order(StringComparer.Ordinal).ToList();
        var unloads = new List<double>();
        var collections = new List<double>();
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var ids = host.Registry<ICalculator>().Ids.ToList();
            if (ids.Count != plugins)
            {
                throw new InvalidOperationException($"cycle {cycle}: {ids.Count} of {plugins} plugins active");
            }

            var fullCollections = GC.CollectionCount(2);
            var stopwatch = Stopwatch.StartNew();
            var collected = await Task.WhenAll(ids.Select(id => host.UnloadAsync(id)));
            stopwatch.Stop();
            collections.Add(GC.CollectionCount(2) - fullCollections);
            if (collected.Contains(false))
            {
                throw new InvalidOperationException($"cycle {cycle}: {collected.Count(c => !c)} load context(s) not collected");
            }

            unloads.Add(stopwatch.Elapsed.TotalMilliseconds);
            foreach (var folder in folders)
            {
                await host.LoadAsync(folder);
            }
        }

        var first = Figure.Percentile(unloads.Take(5).ToList(), 50);
        var last = Figure.Percentile(unloads.TakeLast(5).ToList(), 50);
        Figure.Print(Name, $"unload_all_{plugins}_first_ms", first, "ms");
        Figure.Print(Name, $"unload_all_{plugins}_last_ms", last, "ms");
        Figure.Print(Name, "unload_all_slowdown_ratio", last / first, "ratio");
        Figure.Print(Name, $"unload_all_{plugins}_full_gcs", Figure.Percentile(collections, 50), "count");
    }

    private static async Task UnloadMemoryAsync(string root, string pluginsDirectory, int cycles)
    {
        // One plugin folder, loaded and unloaded over and over into the same host.
        var single = Path.Combine(root, "single");
        Directory.CreateDirectory(single);
        var source = Directory.EnumerateDirectories(pluginsDirectory).Order(StringComparer.Ordinal).First();
        var folder = Path.Combine(single, Path.GetFileName(source));
        CopyDirectory(source, folder);

        await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = single, UnloadTimeout = TimeSpan.FromSeconds(5) });
        host.AddContract<ICalculator>();
        await host.StartAsync();
        var id = host.Registry<ICalculator>().Ids.Single();
        await host.UnloadAsync(id);

        long afterFirst10 = 0;
        var notCollected = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var status = await host.LoadAsync(folder);
            if (!status.IsActive)
            {
                throw new InvalidOperationException($"cycle {cycle}: {status.Id} is {status.Phase}: {status.Error}");
            }

            if (host.Registry<ICalculator>().Get(id).Add(2, 3) != 5)
            {
                throw new InvalidOperationException("the plugin answered wrongly");
            }

            if (!await host.UnloadAsync(id))
            {
                notCollected++;
            }

            if (cycle == 10)
            {
                afterFirst10 = MemoryInUse();
            }
        }

        stopwatch.Stop();
        var afterAll = MemoryInUse();
        Figure.Print(Name, "unload_cycles", cycles, "count");
        Figure.Print(Name, "unload_not_collected", notCollected, "count");
        Figure.Print(Name, "load_unload_cycle_ms", stopwatch.Elapsed.TotalMilliseconds / cycles, "ms");
        Figure.Print(Name, "memory_after_10_cycles_mb", afterFirst10 / 1048576.0, "MiB");
        Figure.Print(Name, $"memory_after_{cycles}_cycles_mb", afterAll / 1048576.0, "MiB");
        Figure.Print(Name, "unload_memory_growth_ratio", (double)afterAll / afterFirst10, "ratio");
    }

    /// <summary>Managed heap plus native memory: the process's private (anonymous) memory after a full collection.</summary>
    private static long MemoryInUse()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PrivateMemorySize64;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
