using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Plugboard.Packaging;

namespace Plugboard.Bench;

/// <summary>
/// The plugin center as an operator runs it (its own process, SQLite under a fresh data folder, real HTTP on
/// 127.0.0.1): a catalog of 10 000 plugin versions registered through the API, then <c>GET /api/v1/plugins</c> under
/// 32 concurrent connections against <c>GET /healthz</c> the same way in the same run (the floor), and the time from
/// <c>POST /api/v1/installations</c> to Active for an assembly plugin and a process plugin (the samples).
/// bench/run builds the center and publishes the samples into <c>{work}/center-build</c> first.
/// </summary>
internal static class CenterScenario
{
    private const string Name = "center";
    internal const string Token = "pbt_bench-admin-token-0123456789";

    public static async Task RunAsync(string workDirectory, int plugins, int versionsPerPlugin, int seconds, int connections, int installs)
    {
        var build = Path.Combine(workDirectory, "center-build");
        var data = Path.Combine(workDirectory, "center-data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(data, "contracts"));
        File.Copy(Path.Combine(build, "contracts", "UserSync.Contracts.dll"), Path.Combine(data, "contracts", "UserSync.Contracts.dll"));
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var center = StartCenter(Path.Combine(build, "server", "Plugboard.Server.dll"), data, url);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await WaitReadyAsync(http, center);

            var fill = Stopwatch.StartNew();
            await FillAsync(http, plugins, versionsPerPlugin, connections);
            fill.Stop();
            var total = plugins * versionsPerPlugin;
            Console.Error.WriteLine($"center: {total} versions registered in {fill.Elapsed.TotalSeconds:0.0} s");
            Figure.Print(Name, "catalog_versions", total, "versions");
            Figure.Print(Name, "register_per_s", total / fill.Elapsed.TotalSeconds, "req/s");

            // Warm both paths, then measure the floor and the list in the same run, each for the same time.
            await LoadAsync(http, "/healthz", 2, connections);
            await LoadAsync(http, "/api/v1/plugins", 2, connections);
            var floor = await LoadAsync(http, "/healthz", seconds, connections);
            var list = await LoadAsync(http, "/api/v1/plugins", seconds, connections);
            var searched = await LoadAsync(http, "/api/v1/plugins?q=bench-0042&pageSize=20", seconds, connections);
            Figure.Print(Name, "healthz_per_s", floor.PerSecond, "req/s");
            Figure.Print(Name, "healthz_p50_ms", floor.P50, "ms");
            Figure.Print(Name, "list_plugins_p50_ms", list.P50, "ms");
            Figure.Print(Name, "list_plugins_p99_ms", list.P99, "ms");
            Figure.Print(Name, "list_plugins_per_s", list.PerSecond, "req/s");
            Figure.Print(Name, "list_vs_floor_ratio", floor.PerSecond / list.PerSecond, "x");
            Figure.Print(Name, "search_plugins_p50_ms", searched.P50, "ms");
            Figure.Print(Name, "search_plugins_per_s", searched.PerSecond, "req/s");

            var packages = Directory.CreateDirectory(Path.Combine(workDirectory, "center-packages")).FullName;
            var ldif = Path.GetFullPath(Path.Combine(build, "..", "..", "..", "samples", "usersync", "data", "directory.ldif"));
            var assembly = "custom-ldif@" + await UploadAsync(http, Path.Combine(build, "publish", "CustomLdif"), packages);
            var process = "custom-csv-process@" + await UploadAsync(http, Path.Combine(build, "publish", "CSharpProcess"), packages);
            Figure.Print(Name, "install_to_active_ms_assembly", await InstallToActiveAsync(http, assembly, new JsonObject { ["path"] = ldif }, installs), "ms");
            Figure.Print(Name, "install_to_active_ms_process", await InstallToActiveAsync(http, process, new JsonObject(), installs), "ms");
        }
        finally
        {
            if (!center.HasExited)
            {
                center.Kill(entireProcessTree: true);
                await center.WaitForExitAsync();
            }
        }
    }

    internal static Process StartCenter(string dll, string data, string url)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--data", data, "--urls", url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["PLUGBOARD_ADMIN_TOKEN"] = Token;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the center did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                Console.Error.WriteLine("center: " + line);
            }
        });
        return process;
    }

    internal static async Task WaitReadyAsync(HttpClient http, Process center)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (center.HasExited)
            {
                throw new InvalidOperationException($"the center exited with code {center.ExitCode} before it was ready");
            }

            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
            }

            await Task.Delay(100);
        }
    }

    // Registered through the API (validation, the manifest reader, the store): what an operator's automation would do.
    private static async Task FillAsync(HttpClient http, int plugins, int versionsPerPlugin, int connections)
    {
        var work = new ConcurrentQueue<(int Plugin, int Version)>(
            Enumerable.Range(0, versionsPerPlugin).SelectMany(v => Enumerable.Range(0, plugins).Select(p => (p, v))));
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (work.TryDequeue(out var item))
            {
                var id = $"bench-{item.Plugin:D4}";
                var response = await http.PostAsJsonAsync("/api/v1/plugins", new
                {
                    id,
                    version = $"1.{item.Version}.0",
                    serviceType = "bench.datasource",
                    endpoint = $"grpc://plugins.internal:{5000 + (item.Plugin % 1000)}",
                    tags = new[] { "bench", item.Plugin % 2 == 0 ? "even" : "odd" },
                    provider = "Plugboard bench",
                    displayName = new Dictionary<string, string> { ["en"] = $"Bench plugin {item.Plugin}" },
                    description = new Dictionary<string, string> { ["en"] = $"Registered by bench/run center, version {item.Version}." },
                });
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"registering {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
    }

    private sealed record Load(double PerSecond, double P50, double P99);

    // A closed loop: each of the connections sends its next request when the previous one answered.
    private static async Task<Load> LoadAsync(HttpClient http, string path, int seconds, int connections)
    {
        var samples = new ConcurrentBag<List<double>>();
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < end)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            samples.Add(mine);
        }));
        var all = samples.SelectMany(s => s).ToList();
        return new Load(all.Count / clock.Elapsed.TotalSeconds, Figure.Percentile(all, 50), Figure.Percentile(all, 99));
    }

    internal static async Task<string> UploadAsync(HttpClient http, string folder, string packages)
    {
        var package = Path.Combine(packages, Path.GetFileName(folder) + ".pbpkg");
        File.Delete(package);
        await PackageWriter.PackAsync(folder, package);
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(package));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await http.PostAsync("/api/v1/packages", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"uploading {folder}: {(int)response.StatusCode} {body}");
        }

        return (string)body["version"]!;
    }

    // POST the installation, poll until Active (10 ms), uninstall and wait until it is gone; the median of the runs.
    private static async Task<double> InstallToActiveAsync(HttpClient http, string plugin, JsonObject config, int runs)
    {
        var (id, version) = (plugin.Split('@')[0], plugin.Split('@')[1]);
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var created = await http.PostAsJsonAsync("/api/v1/installations", new { plugin = id, version, config });
            var installation = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
            while (true)
            {
                var state = JsonNode.Parse(await http.GetStringAsync($"/api/v1/installations/{installation}"))!;
                var phase = (string?)state["phase"];
                if (phase == "Active")
                {
                    break;
                }

                if (phase == "Failed")
                {
                    throw new InvalidOperationException($"{id} {version} failed: {state["reason"]}");
                }

                await Task.Delay(10);
            }

            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await http.DeleteAsync($"/api/v1/installations/{installation}");
            while ((await http.GetAsync($"/api/v1/installations/{installation}")).StatusCode != HttpStatusCode.NotFound)
            {
                await Task.Delay(20);
            }
        }

        Console.Error.WriteLine($"center: install → Active of {id}: {string.Join(", ", times.Select(Figure.Format))} ms");
        return Figure.Percentile(times, 50);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
