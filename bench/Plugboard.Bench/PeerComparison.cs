using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Bench.Contracts;
using McMaster.NETCore.Plugins;
using Plugboard.Hosting;

namespace Plugboard.Bench;

/// <summary>
/// Plugboard beside the best-known .NET loader, McMaster.NETCore.Plugins (harness only): the same generated
/// plugin folders loaded in a fresh process each round — so first-use costs count, as in a host starting up —
/// Plugboard's and McMaster's rounds interleaved, for 1 and for 100 plugins. What is timed inside the child:
/// load + create + first call of every plugin (Plugboard adds manifest reading, admission, Init and Verify).
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
                var plugboard = new List<double>();
                var mcmaster = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    plugboard.Add(RunChild(harness, "plugboard", folder, count));
                    mcmaster.Add(RunChild(harness, "mcmaster", folder, count));
                }

                var plugboardMedian = Figure.Percentile(plugboard, 50);
                var mcmasterMedian = Figure.Percentile(mcmaster, 50);
                Figure.Print("load", $"plugboard_start_ms_{count}{suffix}", plugboardMedian, "ms");
                Figure.Print("load", $"mcmaster_start_ms_{count}{suffix}", mcmasterMedian, "ms");
                Figure.Print("load", $"load_vs_mcmaster_ratio_{count}{suffix}", plugboardMedian / mcmasterMedian, "ratio");
            }
        }
    }

    /// <summary>In the child process: loads, creates and calls every plugin once; prints the milliseconds it took.</summary>
    public static async Task<int> ChildAsync(string loader, string folder, int count)
    {
        var stopwatch = Stopwatch.StartNew();
        var sum = loader switch
        {
            "plugboard" => await WithPlugboardAsync(folder),
            "mcmaster" => WithMcMaster(folder),
            _ => throw new ArgumentException($"unknown loader '{loader}'", nameof(loader)),
        };
        stopwatch.Stop();
        if (sum != 3 * count)
        {
            throw new InvalidOperationException($"{loader}: {sum / 3} of {count} plugins answered");
        }

        Console.Out.WriteLine(stopwatch.Elapsed.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    private static async Task<int> WithPlugboardAsync(string folder)
    {
        await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = folder });
        host.AddContract<ICalculator>();
        await host.StartAsync();
        var registry = host.Registry<ICalculator>();
        return registry.Ids.Sum(id => registry.Get(id).Add(1, 2));
    }

    private static int WithMcMaster(string folder)
    {
        var sum = 0;
        foreach (var directory in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var assembly = Directory.EnumerateFiles(directory, "*.dll").Single();
            var loader = PluginLoader.CreateFromAssemblyFile(assembly, sharedTypes: [typeof(ICalculator), typeof(PluginAttribute)]);
            var type = loader.LoadDefaultAssembly().GetTypes().Single(t => typeof(ICalculator).IsAssignableFrom(t) && t.GetCustomAttribute<PluginAttribute>() is not null);
            sum += ((ICalculator)Activator.CreateInstance(type)!).Add(1, 2);
        }

        return sum;
    }

    private static double RunChild(string harness, string loader, string folder, int count)
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

        return double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }
}
