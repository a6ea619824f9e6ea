using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Bench.Contracts;
using McMaster.NETCore.Plugins;
using Plugboard.Hosting;
using Plugboard.Manifests;

namespace Plugboard.Bench;

/// <summary>
/// Plugboard beside the best-known .NET loader, McMaster.NETCore.Plugins (harness only): the same generated
/// plugin folders loaded in a fresh process each round — so first-use costs count, as in a host starting up —
/// Plugboard's and McMaster's rounds interleaved, for 1 and for 100 plugins. What is timed inside the child:
/// load + create + first call of every plugin (Plugboard adds manifest reading, admission, Init and Verify), as wall
/// time, as the CPU time the process spent on it (which a busy machine disturbs far less than wall time), and as the
/// number of methods the JIT compiled on the way (the part of start-up ReadyToRun cannot remove; it does not depend
/// on the machine's load at all).
/// Run twice when bench/run has published a ReadyToRun copy of the harness: JIT-compiled, as a host run from its
/// build output (`dotnet run`, F5) starts, and ReadyToRun-compiled, as a host published with
/// <c>PublishReadyToRun</c> starts (both loaders, and every library they use, precompiled alike).
/// </summary>
internal static class PeerComparison
{
    public const string ChildMode = "load-peer-child";

    /// <param name="root">Where the generated plugin folders live.</param>
    /// <param name="rounds">Interleaved rounds per loader and plugin count.</param>
    /// <param name="readyToRunHarness">The harness published ReadyToRun (bench/run does it), or null to skip that half.</param>
    public static void Run(string root, int rounds, string? readyToRunHarness)
    {
        var harnesses = new List<(string Suffix, string Assembly)> { ("", typeof(PeerComparison).Assembly.Location) };
        if (readyToRunHarness is not null)
        {
            harnesses.Add(("_r2r", readyToRunHarness));
        }

        foreach (var count in new[] { 1, 100 })
        {
            var folder = Path.Combine(root, $"peer-{count}");
            if (!Directory.Exists(folder))
            {
                PluginGenerator.Write(folder, count);
            }

            foreach (var (suffix, harness) in harnesses)
            {
                // One warm-up pair: the file cache, not a figure.
                RunChild(harness, "plugboard", folder, count);
                RunChild(harness, "mcmaster", folder, count);
                var plugboard = new List<ChildStart>();
                var mcmaster = new List<ChildStart>();
                var manifestWarm = new List<ChildStart>();
                for (var round = 0; round < rounds; round++)
                {
                    plugboard.Add(RunChild(harness, "plugboard", folder, count));
                    mcmaster.Add(RunChild(harness, "mcmaster", folder, count));
                    if (count == 1)
                    {
                        manifestWarm.Add(RunChild(harness, "plugboard-manifest-warm", folder, count));
                    }
                }

                Compare(count, suffix, "", "ms", plugboard.ConvertAll(c => c.WallMs), mcmaster.ConvertAll(c => c.WallMs));
                Compare(count, suffix, "_cpu", "ms", plugboard.ConvertAll(c => c.CpuMs), mcmaster.ConvertAll(c => c.CpuMs));
                Figure.Print("load", $"plugboard_jit_methods_{count}{suffix}", Figure.Percentile(plugboard.ConvertAll(c => c.JitMethods), 50), "methods");
                Figure.Print("load", $"mcmaster_jit_methods_{count}{suffix}", Figure.Percentile(mcmaster.ConvertAll(c => c.JitMethods), 50), "methods");
                if (manifestWarm.Count > 0)
                {
                    // What the manifest reader's one-time set-up (YamlDotNet's first parse) costs one plugin's start:
                    // the same start with a manifest read before the clock starts.
                    Compare(count, suffix + "_manifest_warm", "", "ms", manifestWarm.ConvertAll(c => c.WallMs), mcmaster.ConvertAll(c => c.WallMs));
                    Compare(count, suffix + "_manifest_warm", "_cpu", "ms", manifestWarm.ConvertAll(c => c.CpuMs), mcmaster.ConvertAll(c => c.CpuMs));
                }
            }
        }
    }

    private static void Compare(int count, string suffix, string kind, string unit, List<double> plugboard, List<double> mcmaster)
    {
        var plugboardMedian = Figure.Percentile(plugboard, 50);
        var mcmasterMedian = Figure.Percentile(mcmaster, 50);
        Figure.Print("load", $"plugboard_start{kind}_ms_{count}{suffix}", plugboardMedian, unit);
        Figure.Print("load", $"mcmaster_start{kind}_ms_{count}{suffix}", mcmasterMedian, unit);
        Figure.Print("load", $"load_vs_mcmaster{kind}_ratio_{count}{suffix}", plugboardMedian / mcmasterMedian, "ratio");
    }

    /// <summary>
    /// In the child process: loads, creates and calls every plugin once; prints the wall milliseconds it took, the
    /// process's CPU milliseconds over the same span and the methods the JIT compiled in it.
    /// </summary>
    public static async Task<int> ChildAsync(string loader, string folder, int count)
    {
        if (loader == "plugboard-manifest-warm")
        {
            // Outside the timed span: the one-time set-up of the manifest reader, nothing of the plugin folder.
            ManifestReader.Parse("id: warm-up\nversion: 1.0.0\ncontracts:\n  - name: warm-up\n    version: ^1.0\nruntime: assembly\nentry: WarmUp.dll\n");
            loader = "plugboard";
        }

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var stopwatch = Stopwatch.StartNew();
        TimeSpan cpu = default;
        long jitMethods = 0;
        void Stop()
        {
            stopwatch.Stop();
            jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        }

        // Each loader stops the clock after the first calls: start-up is timed, shutting down is not (McMaster's
        // loaders are never unloaded here; Plugboard's host is disposed after the clock stops).
        var sum = loader switch
        {
            "plugboard" => await WithPlugboardAsync(folder, Stop),
            "mcmaster" => WithMcMaster(folder, Stop),
            _ => throw new ArgumentException($"unknown loader '{loader}'", nameof(loader)),
        };
        if (sum != 3 * count)
        {
            throw new InvalidOperationException($"{loader}: {sum / 3} of {count} plugins answered");
        }

        Console.Out.WriteLine(string.Join(
            ' ',
            stopwatch.Elapsed.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture),
            cpu.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture),
            jitMethods.ToString(CultureInfo.InvariantCulture)));
        return 0;
    }

    private static async Task<int> WithPlugboardAsync(string folder, Action stop)
    {
        await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = folder });
        host.AddContract<ICalculator>();
        await host.StartAsync();
        var registry = host.Registry<ICalculator>();
        var sum = 0;
        foreach (var id in registry.Ids)
        {
            sum += registry.Get(id).Add(1, 2);
        }

        stop();
        return sum;
    }

    private static int WithMcMaster(string folder, Action stop)
    {
        var sum = 0;
        foreach (var directory in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var assembly = Directory.EnumerateFiles(directory, "*.dll").Single();
            var loader = PluginLoader.CreateFromAssemblyFile(assembly, sharedTypes: [typeof(ICalculator), typeof(PluginAttribute)]);
            var type = loader.LoadDefaultAssembly().GetTypes().Single(t => typeof(ICalculator).IsAssignableFrom(t) && t.GetCustomAttribute<PluginAttribute>() is not null);
            sum += ((ICalculator)Activator.CreateInstance(type)!).Add(1, 2);
        }

        stop();
        return sum;
    }

    private static ChildStart RunChild(string harness, string loader, string folder, int count)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { harness, ChildMode, loader, folder, count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{loader} with {count} plugin(s) exited with {process.ExitCode}: {errors}");
        }

        var parts = output.Trim().Split('\n')[^1].Split(' ');
        return new ChildStart(
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>What one child reported.</summary>
    private sealed record ChildStart(double WallMs, double CpuMs, double JitMethods);
}
