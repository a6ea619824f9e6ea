using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UserSync;

namespace Plugboard.Bench;

/// <summary>
/// Managed hosts against a center in its own process (as CenterScenario starts it): for N = 1, 10, 50 hosts in this
/// process (each a generic host with UseCenter and its own state and cache folder), the time from
/// <c>POST /api/v1/installations</c> (the custom-ldif sample) to Active on all N (<c>hosts_converged_ms_n{N}</c>) and
/// from a configuration PATCH to Active at the new generation on all N (<c>config_rollout_ms_n{N}</c>), with the ratios
/// to N = 1 measured in the same run; then light watchers (raw long polls with a host token, not full hosts): one alone
/// (the baseline), then 500 held at once (<c>watch_connections</c>, counted by the center) and the delay from an
/// installation created for their scope to each watcher's answer (<c>watch_event_delay_p50_ms</c>, <c>_p99_ms</c>).
/// </summary>
internal static class ManagedScenario
{
    private const string Name = "managed";

    public static async Task RunAsync(string workDirectory, int[] hostCounts, int watchers)
    {
        var build = Path.Combine(workDirectory, "center-build");
        var data = Path.Combine(workDirectory, "managed-data");
        var hostsRoot = Path.Combine(workDirectory, "managed-hosts");
        foreach (var folder in new[] { data, hostsRoot })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Directory.CreateDirectory(Path.Combine(data, "contracts"));
        File.Copy(Path.Combine(build, "contracts", "UserSync.Contracts.dll"), Path.Combine(data, "contracts", "UserSync.Contracts.dll"));
        var url = $"http://127.0.0.1:{CenterScenario.FreePort()}";
        using var center = CenterScenario.StartCenter(Path.Combine(build, "server", "Plugboard.Server.dll"), data, url);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = watchers + 50, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CenterScenario.Token);
            await CenterScenario.WaitReadyAsync(http, center);
            var packages = Directory.CreateDirectory(Path.Combine(workDirectory, "managed-packages")).FullName;
            var version = await CenterScenario.UploadAsync(http, Path.Combine(build, "publish", "CustomLdif"), packages);
            var ldif = Path.GetFullPath(Path.Combine(build, "..", "..", "..", "samples", "usersync", "data", "directory.ldif"));

            // A warm-up round of one host (not reported: it pays the first JIT of the center's and the hosts' paths), then
            // each N; N = 1 is the unit the others are compared with.
            await RoundAsync(http, url, hostsRoot, "warm", 1, version, ldif);
            var rounds = new List<(int N, double Converged, double Rollout)>();
            foreach (var n in hostCounts)
            {
                var (converged, rollout) = await RoundAsync(http, url, hostsRoot, $"n{n}", n, version, ldif);
                Figure.Print(Name, $"hosts_converged_ms_n{n}", converged, "ms");
                Figure.Print(Name, $"config_rollout_ms_n{n}", rollout, "ms");
                Console.Error.WriteLine($"managed: {n} host(s): converged in {Figure.Format(converged)} ms, configuration rolled out in {Figure.Format(rollout)} ms");
                rounds.Add((n, converged, rollout));
            }

            foreach (var (n, converged, rollout) in rounds.Skip(1))
            {
                Figure.Print(Name, $"hosts_converged_ratio_n{n}_n{rounds[0].N}", converged / rounds[0].Converged, "x");
                Figure.Print(Name, $"config_rollout_ratio_n{n}_n{rounds[0].N}", rollout / rounds[0].Rollout, "x");
            }

            // The baseline: one watcher alone, then the many, in the same run.
            var (_, alone) = await WatchAsync(http, 1, version, ldif);
            var (held, delays) = await WatchAsync(http, watchers, version, ldif);
            var single = Figure.Percentile(alone, 50);
            Figure.Print(Name, "watch_event_delay_ms_1", single, "ms");
            Figure.Print(Name, "watch_connections", held, "connections");
            var p50 = Figure.Percentile(delays, 50);
            var p99 = Figure.Percentile(delays, 99);
            Figure.Print(Name, "watch_event_delay_p50_ms", p50, "ms");
            Figure.Print(Name, "watch_event_delay_p99_ms", p99, "ms");
            Figure.Print(Name, "watch_event_delay_p99_ratio", p99 / single, "x");
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

    // Light watchers, not full hosts: each registers as a host of one scope with the host token and then holds the raw
    // long poll a managed host sends (GET …/desired?wait=30, If-None-Match: the revision it has) over HttpClient. One
    // installation created for their scope answers all of them; the delay is from just before that POST to each answer.
    // The count held is the center's own: the ASP.NET Core request gauge on /metrics, less the scrape itself.
    private static async Task<(int Held, List<double> Delays)> WatchAsync(HttpClient admin, int watchers, string version, string ldif)
    {
        var scope = $"bench-watch-{watchers}";
        var token = await HostTokenAsync(admin, scope);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = watchers + 10, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var etags = new EntityTagHeaderValue[watchers];
        await Parallel.ForEachAsync(Enumerable.Range(0, watchers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            (await http.PutAsJsonAsync($"/api/v1/hosts/{scope}-w{i}", new { scope, runtimes = new[] { "assembly" } }, ct)).EnsureSuccessStatusCode();
            using var first = await http.GetAsync($"/api/v1/hosts/{scope}-w{i}/desired", ct);
            first.EnsureSuccessStatusCode();
            etags[i] = first.Headers.ETag!;
        });

        var before = await ActiveRequestsAsync(admin);
        long createdAt = 0;
        var delays = new double[watchers];
        var tasks = Enumerable.Range(0, watchers).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/hosts/{scope}-w{i}/desired?wait=30");
            request.Headers.IfNoneMatch.Add(etags[i]);
            using var response = await http.SendAsync(request);
            delays[i] = response.StatusCode == HttpStatusCode.OK ? Stopwatch.GetElapsedTime(Interlocked.Read(ref createdAt)).TotalMilliseconds : double.NaN;
        }).ToList();

        // Until every request waits at the center (or 20 s): then the change.
        var held = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((held = await ActiveRequestsAsync(admin) - before) < watchers && DateTime.UtcNow < until && tasks.All(t => !t.IsCompleted))
        {
            await Task.Delay(200);
        }

        Interlocked.Exchange(ref createdAt, Stopwatch.GetTimestamp());
        (await admin.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-ldif", version, scope, config = new { path = ldif } })).EnsureSuccessStatusCode();
        await Task.WhenAll(tasks);
        var answered = delays.Where(d => !double.IsNaN(d)).ToList();
        Console.Error.WriteLine($"managed: {watchers} watches sent, {held} held by the center, {answered.Count} answered with the change");
        return (held, answered);
    }

    // The center's in-flight requests (http.server.active_requests, every method and scheme), not counting this scrape.
    private static async Task<int> ActiveRequestsAsync(HttpClient admin)
    {
        var text = await admin.GetStringAsync("/metrics");
        var active = text.Split('\n').Where(l => l.StartsWith("http_server_active_requests", StringComparison.Ordinal) && !l.StartsWith("http_server_active_requests_", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return (int)active - 1;
    }

    // N managed hosts of a fresh scope: started and registered, then the installation created → Active on all N, then
    // its configuration changed → generation 2 Active on all N.
    private static async Task<(double Converged, double Rollout)> RoundAsync(HttpClient http, string url, string hostsRoot, string round, int n, string version, string ldif)
    {
        var scope = $"bench-{round}";
        var token = await HostTokenAsync(http, scope);
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < n; i++)
            {
                hosts.Add(await StartHostAsync(url, token, scope, $"{scope}-{i}", Path.Combine(hostsRoot, $"{scope}-{i}")));
            }

            await UntilAsync(async () => (await LiveHostsAsync(http, scope)) == n, $"{n} hosts registered");
            var started = Stopwatch.GetTimestamp();
            var created = await http.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-ldif", version, scope, config = new { path = ldif } });
            var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"installing for {scope}: {(int)created.StatusCode} {body}");
            }

            var id = (string)body["id"]!;
            await UntilAsync(async () => await ActiveOnAsync(http, id, n, 1), $"Active on {n} hosts");
            var converged = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            started = Stopwatch.GetTimestamp();
            (await http.PatchAsJsonAsync($"/api/v1/installations/{id}", new { config = new { path = ldif, userObjectClass = "person" } })).EnsureSuccessStatusCode();
            await UntilAsync(async () => await ActiveOnAsync(http, id, n, 2), $"generation 2 Active on {n} hosts");
            return (converged, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    private static async Task<IHost> StartHostAsync(string url, string token, string scope, string name, string state)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPlugboard()
            .AddContract<IDataSource>()
            .UseCenter(new Uri(url), token, scope, o =>
            {
                o.Name = name;
                o.StateDirectory = state;
                o.HeartbeatInterval = TimeSpan.FromSeconds(5);
            });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<string> HostTokenAsync(HttpClient http, string scope)
    {
        var response = await http.PostAsJsonAsync("/api/v1/tokens", new { name = scope, role = "host", scope });
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!;
    }

    private static async Task<int> LiveHostsAsync(HttpClient http, string scope) =>
        JsonNode.Parse(await http.GetStringAsync($"/api/v1/hosts?scope={scope}"))!.AsArray().Count(h => !(bool)h!["stale"]!);

    private static async Task<bool> ActiveOnAsync(HttpClient http, string id, int hosts, long generation)
    {
        var state = JsonNode.Parse(await http.GetStringAsync($"/api/v1/installations/{id}"))!;
        if ((string?)state["phase"] == "Failed")
        {
            throw new InvalidOperationException($"installation {id} failed: {state["reason"]}");
        }

        return (string?)state["phase"] == "Active" && (long)state["observedGeneration"]! == generation
            && state["hosts"]!.AsArray().Count(h => (string?)h!["phase"] == "Active" && (long)h["generation"]! == generation) == hosts;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"managed: never {what}");
            }

            await Task.Delay(10);
        }
    }
}
