using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

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
    private CenterReplicas _replicas = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "contracts"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixture.Contracts.dll"), Path.Combine(_folder.Path, "contracts", "Fixture.Contracts.dll"));
        _replicas = new CenterReplicas(await postgres.CreateDatabaseAsync(), SharedKey);
    }

    public Task DisposeAsync()
    {
        _replicas?.Dispose();
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

        var survivor = await _replicas.KillHolderMidInstallationAsync(a, b, id, "replica-a", "replica-b", "hello initialized with greeting Hej");
        var installation = await TestCenter.Json(await survivor.GetAsync($"/api/v1/installations/{id}"));
        Assert.Equal("Hej", (string?)installation["metadata"]!["greeting"]);
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

        var runs = await CenterReplicas.SyncOnBothAtOnceAsync(a, b, "team");

        Assert.Equal((long)runs[0]["id"]!, (long)runs[1]["id"]!);
        Assert.Equal("Ok", (string?)runs[0]["status"]);
        Assert.Single(await TestCenter.JsonArray(await b.GetAsync("/api/v1/sync-runs?source=team")));
        Assert.Equal(30, (int)runs[0]["packages"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_event_written_through_one_replica_reaches_a_live_stream_of_the_other()
    {
        // The streams' own re-read is pushed out of reach: only LISTEN/NOTIFY can bring b another replica's event.
        var noPoll = new Dictionary<string, string> { ["Plugboard__Coordination__EventPollInterval"] = "01:00:00" };
        using var a = await StartAsync("replica-a", noPoll);
        using var b = await StartAsync("replica-b", noPoll);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream");
        using var response = await b.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);

        // The first event may be read by the stream's first query; the second arrives while the stream waits, so only a
        // notification wakes it (a replica's own saves wake only its own streams).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        foreach (var plugin in new[] { "far-away", "further-away" })
        {
            var registered = await a.PostAsJsonAsync("/api/v1/plugins", new { id = plugin, serviceType = "usersync.datasource", endpoint = "grpc://127.0.0.1:1" });
            Assert.True(registered.IsSuccessStatusCode);
            await ReadUntilAsync(reader, plugin, seen, timeout.Token);
        }

        Assert.Contains("plugin.registered", string.Join('\n', seen), StringComparison.Ordinal);
    }

    private static async Task ReadUntilAsync(StreamReader reader, string plugin, List<string> seen, CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
            {
                seen.Add(line);
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains($"\"{plugin}\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the event of {plugin} did not reach the other replica's stream (was the notification delivered?); seen: " + string.Join('\n', seen));
        }

        Assert.Fail("the stream ended before the event arrived: " + string.Join('\n', seen));
    }

    private Task<HttpClient> StartAsync(string name, IReadOnlyDictionary<string, string>? settings = null) =>
        _replicas.StartAsync(name, _folder.Path, settings);
}
