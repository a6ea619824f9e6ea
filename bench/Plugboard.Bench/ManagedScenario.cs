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
/// <c>POST /api/v1/installations</c> (the custom-ldif sample) to Active on all N (<c>hosts_converged_ms</c>) and from a
/// configuration PATCH to Active at the new generation on all N (<c>config_rollout_ms</c>); then 500 watch requests
/// held open at once (<c>watch_connections</c>) and the delay from an installation created to each watch's answer
/// (<c>watch_event_p50_ms</c>, <c>watch_event_p99_ms</c>).
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

            foreach (var n in hostCounts)
            {
                var scope = $"bench-{n}";
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
                    var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
                    await UntilAsync(async () => await ActiveOnAsync(http, id, n, 1), $"Active on {n} hosts");
                    var converged = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Figure.Print(Name, $"hosts_converged_ms_n{n}", converged, "ms");

                    started = Stopwatch.GetTimestamp();
                    (await http.PatchAsJsonAsync($"/api/v1/installations/{id}", new { config = new { path = ldif, userObjectClass = "person" } })).EnsureSuccessStatusCode();
                    await UntilAsync(async () => await ActiveOnAsync(http, id, n, 2), $"generation 2 Active on {n} hosts");
                    Figure.Print(Name, $"config_rollout_ms_n{n}", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "ms");
                    Console.Error.WriteLine($"managed: {n} host(s): converged in {Figure.Format(converged)} ms");
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

            await WatchAsync(http, watchers, version, ldif);
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

    // Raw watchers (no plugins): each holds GET …/desired with the revision it has; one installation created for their
    // scope answers all of them.
    private static async Task WatchAsync(HttpClient admin, int watchers, string version, string ldif)
    {
        const string scope = "bench-watch";
        var token = await HostTokenAsync(admin, scope);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = watchers + 10, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var etags = new EntityTagHeaderValue[watchers];
        await Parallel.ForEachAsync(Enumerable.Range(0, watchers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            (await http.PutAsJsonAsync($"/api/v1/hosts/w{i}", new { scope, runtimes = new[] { "assembly" } }, ct)).EnsureSuccessStatusCode();
            using var first = await http.GetAsync($"/api/v1/hosts/w{i}/desired", ct);
            etags[i] = first.Headers.ETag!;
        });

        var held = 0;
        long createdAt = 0;
        var delays = new double[watchers];
        var tasks = Enumerable.Range(0, watchers).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/hosts/w{i}/desired?wait=30");
            request.Headers.IfNoneMatch.Add(etags[i]);
            var sending = http.SendAsync(request);
            Interlocked.Increment(ref held);
            using var response = await sending;
            delays[i] = response.StatusCode == HttpStatusCode.OK ? Stopwatch.GetElapsedTime(Interlocked.Read(ref createdAt)).TotalMilliseconds : double.NaN;
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3)); // every request reaches the center and waits there
        var open = tasks.Count(t => !t.IsCompleted);
        Figure.Print(Name, "watch_connections", open, "connections");
        Interlocked.Exchange(ref createdAt, Stopwatch.GetTimestamp());
        (await admin.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-ldif", version, scope, config = new { path = ldif } })).EnsureSuccessStatusCode();
        await Task.WhenAll(tasks);
        var answered = delays.Where(d => !double.IsNaN(d)).ToList();
        Console.Error.WriteLine($"managed: {held} watches sent, {open} held, {answered.Count} answered with the change");
        Figure.Print(Name, "watch_event_p50_ms", Figure.Percentile(answered, 50), "ms");
        Figure.Print(Name, "watch_event_p99_ms", Figure.Percentile(answered, 99), "ms");
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
