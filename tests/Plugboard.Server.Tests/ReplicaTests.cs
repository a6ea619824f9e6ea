using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Plugboard.Server.Tests;

/// <summary>
/// Two center replicas as real processes on one real PostgreSQL, sharing one data folder (the package cache and the
/// contracts, as a shared volume would): the controller's work is shared by leases, a sync runs once across them, and
/// events written by one reach the live stream of the other.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly string SharedKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly TempFolder _folder = new("replicas");
    private readonly Dictionary<string, Process> _replicas = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>> _output = new(StringComparer.Ordinal);
    private string _connection = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "contracts"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixture.Contracts.dll"), Path.Combine(_folder.Path, "contracts", "Fixture.Contracts.dll"));
        _connection = await postgres.CreateDatabaseAsync();
    }

    public Task DisposeAsync()
    {
        foreach (var name in _replicas.Keys.ToList())
        {
            Kill(name);
        }

        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_replica_killed_mid_installation_loses_its_lease_and_the_other_finishes_it_realizing_it_once()
    {
        // One replica migrates the store first; the second starts on the migrated store.
        using var a = await StartAsync("replica-a");
        using var b = await StartAsync("replica-b");
        var package = await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), _folder.Path);
        using (var content = new ByteArrayContent(await File.ReadAllBytesAsync(package)))
        {
            Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/v1/packages", content)).StatusCode);
        }

        var id = (string)(await TestCenter.Json(await b.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-hello", version = "1.0.0", config = new { greeting = "Hej" } })))["id"]!;

        // Whichever replica took the installation's lease works on it; kill it as soon as it has started.
        string? holder = null;
        await Eventually.HoldsAsync(
            async () => (holder = await HolderAsync($"installation:{id}")) is not null && await PhaseAsync(a, id) != "Pending",
            () => $"no replica took installation {id}");
        var survivor = holder == "replica-a" ? b : a;
        Kill(holder!);
        var loadingsBefore = Count(await EventsAsync(survivor, id), "Loading");
        Assert.Equal(1, loadingsBefore); // while both ran, only the lease holder worked on it

        // The killed replica may have reached Active just before it died: wait for the survivor's own realization.
        JsonArray events = [];
        await Eventually.HoldsAsync(
            async () => await HolderAsync($"installation:{id}") is { } now && now != holder
                && Count(events = await EventsAsync(survivor, id), "Loading") == 2
                && (string?)events.Last(e => (string?)e!["kind"] == "installation.phase")!["phase"] == "Active",
            () => $"the surviving replica did not finish installation {id}; events: {events.ToJsonString()}; its output:\n{Output(holder == "replica-a" ? "replica-b" : "replica-a")}");
        var installation = await TestCenter.Json(await survivor.GetAsync($"/api/v1/installations/{id}"));
        Assert.Equal("Hej", (string?)installation["metadata"]!["greeting"]);

        // Realized once more by the survivor (the killed replica's instance died with it), and then left alone.
        await Task.Delay(1500);
        Assert.Equal(events.Count, (await EventsAsync(survivor, id)).Count);
    }

    [Fact]
    public async Task A_sync_asked_of_both_replicas_at_once_runs_once_and_both_answer_with_that_run()
    {
        using var a = await StartAsync("replica-a");
        using var b = await StartAsync("replica-b");
        // Both replicas sync once first (another source), so neither answers the real test late for a cold start.
        var warm = Directory.CreateDirectory(Path.Combine(_folder.Path, "warm")).FullName;
        File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("0.9.0"), warm), Path.Combine(warm, "custom-hello-0.9.0.pbpkg"));
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/api/v1/sources", new { name = "warm", type = "fs", path = warm })).StatusCode);
        Assert.True((await a.PostAsync("/api/v1/sources/warm/sync", null)).IsSuccessStatusCode);
        Assert.True((await b.PostAsync("/api/v1/sources/warm/sync", null)).IsSuccessStatusCode);

        // Enough packages that the run lasts while the other replica's request arrives.
        var feed = Directory.CreateDirectory(Path.Combine(_folder.Path, "feed")).FullName;
        for (var i = 0; i < 30; i++)
        {
            File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml($"1.0.{i}"), feed), Path.Combine(feed, $"custom-hello-1.0.{i}.pbpkg"));
        }

        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/api/v1/sources", new { name = "team", type = "fs", path = feed })).StatusCode);

        var answers = await Task.WhenAll(a.PostAsync("/api/v1/sources/team/sync", null), b.PostAsync("/api/v1/sources/team/sync", null));
        var runs = new List<JsonObject>();
        foreach (var answer in answers)
        {
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            runs.Add(await TestCenter.Json(answer));
        }

        Assert.Equal((long)runs[0]["id"]!, (long)runs[1]["id"]!);
        Assert.Equal("Ok", (string?)runs[0]["status"]);
        Assert.Single(await TestCenter.JsonArray(await b.GetAsync("/api/v1/sync-runs?source=team")));
        Assert.Equal(30, (int)runs[0]["packages"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_event_written_through_one_replica_reaches_a_live_stream_of_the_other()
    {
        using var a = await StartAsync("replica-a");
        using var b = await StartAsync("replica-b");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream");
        using var response = await b.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);

        var registered = await a.PostAsJsonAsync("/api/v1/plugins", new { id = "far-away", serviceType = "usersync.datasource", endpoint = "grpc://127.0.0.1:1" });
        Assert.True(registered.IsSuccessStatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line;
        var seen = new List<string>();
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null)
        {
            seen.Add(line);
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("far-away", StringComparison.Ordinal))
            {
                Assert.Contains("plugin.registered", string.Join('\n', seen), StringComparison.Ordinal);
                return;
            }
        }

        Assert.Fail("the stream ended before the event arrived: " + string.Join('\n', seen));
    }

    private static int Count(JsonArray events, string phase) =>
        events.Count(e => (string?)e!["kind"] == "installation.phase" && (string?)e["phase"] == phase);

    private static async Task<JsonArray> EventsAsync(HttpClient client, string id) =>
        await TestCenter.JsonArray(await client.GetAsync($"/api/v1/events?installation={id}&limit=5000"));

    private static async Task<string?> PhaseAsync(HttpClient client, string id) =>
        (string?)(await TestCenter.Json(await client.GetAsync($"/api/v1/installations/{id}")))["phase"];

    private async Task<string?> HolderAsync(string lease)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Holder" FROM leases WHERE "Name" = @name AND "ExpiresAt" > now()""", connection);
        command.Parameters.AddWithValue("name", lease);
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<HttpClient> StartAsync(string name)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Plugboard.Server.dll")}\" --data \"{_folder.Path}\" --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["PLUGBOARD_ADMIN_TOKEN"] = TestCenter.AdminToken;
        info.Environment["PLUGBOARD_STORE"] = _connection;
        info.Environment["Plugboard__Store__Provider"] = "postgres";
        info.Environment["Plugboard__Secrets__Key"] = SharedKey;
        info.Environment["Plugboard__Coordination__ReplicaName"] = name;
        info.Environment["Plugboard__Coordination__LeaseDuration"] = "00:00:03";
        info.Environment["Plugboard__Coordination__RenewInterval"] = "00:00:01";
        info.Environment["Plugboard__Controller__ResyncInterval"] = "00:00:00.200";
        info.Environment["Plugboard__Controller__InitialBackoff"] = "00:00:00.200";
        var process = Process.Start(info)!;
        var output = _output.GetOrAdd(name, _ => new());
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _replicas[name] = process;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestCenter.AdminToken);
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return client;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.False(process.HasExited, $"replica {name} exited with {(process.HasExited ? process.ExitCode : 0)}");
            await Task.Delay(100);
        }

        client.Dispose();
        throw new InvalidOperationException($"replica {name} did not start");
    }

    private string Output(string name) =>
        _output.TryGetValue(name, out var lines) ? string.Join('\n', lines.TakeLast(60)) : "(none)";

    private void Kill(string name)
    {
        if (_replicas.Remove(name, out var process))
        {
            if (!process.HasExited)
            {
                // SIGKILL: no shutdown hooks run, as when a node disappears.
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}
