using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;

namespace Plugboard.Server.Tests;

/// <summary>
/// Center replicas as real processes (<c>Plugboard.Server.dll</c>) on one real PostgreSQL database, each on its own
/// port, with the leases short enough for a test and long enough that a replica starved of CPU on a loaded machine
/// keeps them; killed with SIGKILL (no shutdown hook runs, as when a node disappears) and on dispose.
/// </summary>
internal sealed class CenterReplicas(string connection, string sharedKey) : IDisposable
{
    private readonly Dictionary<string, Process> _replicas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _output = new(StringComparer.Ordinal);

    /// <summary>Asks both replicas to sync <paramref name="source"/> at the same moment; the run each answered with.</summary>
    public static async Task<IReadOnlyList<JsonObject>> SyncOnBothAtOnceAsync(HttpClient a, HttpClient b, string source)
    {
        var path = $"/api/v1/sources/{source}/sync";
        var answers = await Task.WhenAll(a.PostAsync(path, null), b.PostAsync(path, null));
        var runs = new List<JsonObject>();
        foreach (var answer in answers)
        {
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            runs.Add(await TestCenter.Json(answer));
        }

        return runs;
    }

    /// <summary>Starts replica <paramref name="name"/> on <paramref name="data"/> with <paramref name="settings"/> as environment, and waits until it is ready.</summary>
    public async Task<HttpClient> StartAsync(string name, string data, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Plugboard.Server.dll")}\" --data \"{data}\" --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["PLUGBOARD_ADMIN_TOKEN"] = TestCenter.AdminToken;
        info.Environment["PLUGBOARD_STORE"] = connection;
        info.Environment["Plugboard__Store__Provider"] = "postgres";
        info.Environment["Plugboard__Secrets__Key"] = sharedKey;
        info.Environment["Plugboard__Coordination__ReplicaName"] = name;
        // A lease outlives two missed renewals: a replica paused for a few seconds on a busy machine keeps its work.
        info.Environment["Plugboard__Coordination__LeaseDuration"] = "00:00:08";
        info.Environment["Plugboard__Coordination__RenewInterval"] = "00:00:01";
        info.Environment["Plugboard__Controller__ResyncInterval"] = "00:00:00.200";
        info.Environment["Plugboard__Controller__InitialBackoff"] = "00:00:00.200";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var output = _output.GetOrAdd(name, _ => new());
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _replicas[name] = process;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestCenter.AdminToken);
        for (var i = 0; i < 1200; i++)
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

            if (process.HasExited)
            {
                client.Dispose();
                Assert.Fail($"replica {name} exited with {process.ExitCode}:\n{Output(name)}");
            }

            await Task.Delay(100);
        }

        client.Dispose();
        throw new InvalidOperationException($"replica {name} did not start:\n{Output(name)}");
    }

    /// <summary>The last lines replica <paramref name="name"/> wrote.</summary>
    public string Output(string name) =>
        _output.TryGetValue(name, out var lines) ? string.Join('\n', lines.TakeLast(60)) : "(none)";

    /// <summary>Every line replica <paramref name="name"/> wrote.</summary>
    public IReadOnlyList<string> Lines(string name) =>
        _output.TryGetValue(name, out var lines) ? [.. lines] : [];

    /// <summary>Kills replica <paramref name="name"/> with SIGKILL and waits for it to be gone.</summary>
    public void Kill(string name)
    {
        if (_replicas.Remove(name, out var process))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }

    /// <summary>The replica holding <paramref name="lease"/> now, or null.</summary>
    public async Task<string?> HolderAsync(string lease)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Holder" FROM leases WHERE "Name" = @name AND "ExpiresAt" > now()""", db);
        command.Parameters.AddWithValue("name", lease);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>
    /// Kills whichever of two replicas took installation <paramref name="id"/>'s lease as soon as it has started on it, and
    /// checks the other finishes it, counting realizations by the plugin's own Init log line in each replica's output:
    /// while both ran only the holder initialized it (at most once), the survivor initializes it exactly once (the killed
    /// replica's instance died with it), and then leaves it alone. Phase events alone cannot count realizations: a
    /// replica that takes over an installation left in Loading continues in Loading without a new Loading event.
    /// </summary>
    public async Task<HttpClient> KillHolderMidInstallationAsync(HttpClient a, HttpClient b, string id, string nameOfA, string nameOfB, string initLine)
    {
        string? holder = null;
        await Eventually.HoldsAsync(
            async () => (holder = await HolderAsync($"installation:{id}")) is not null && await PhaseAsync(a, id) != "Pending",
            () => $"no replica took installation {id}");
        var (survivor, survivorName) = holder == nameOfA ? (b, nameOfB) : (a, nameOfA);
        Kill(holder!);
        Assert.True(Inits(holder!, initLine) <= 1, $"the holder initialized installation {id} more than once:\n{Output(holder!)}");
        Assert.Equal(0, Inits(survivorName, initLine)); // while both ran, only the lease holder worked on it
        Assert.Equal(1, Count(await EventsAsync(survivor, id), "Loading"));

        JsonArray events = [];
        await Eventually.HoldsAsync(
            async () => await HolderAsync($"installation:{id}") == survivorName
                && Inits(survivorName, initLine) == 1
                && (string?)(events = await EventsAsync(survivor, id)).Last(e => (string?)e!["kind"] == "installation.phase")!["phase"] == "Active",
            () => $"the surviving replica did not finish installation {id}; events: {events.ToJsonString()}; its output:\n{Output(survivorName)}",
            TimeSpan.FromSeconds(120));

        // Then left alone: the survivor holds the lease and realizes nothing more.
        await Task.Delay(2000);
        var after = await EventsAsync(survivor, id);
        Assert.True(events.Count == after.Count, $"installation {id} was touched again: {after.ToJsonString()}");
        Assert.Equal(1, Inits(survivorName, initLine));
        return survivor;
    }

    private int Inits(string name, string initLine) => Lines(name).Count(l => l.Contains(initLine, StringComparison.Ordinal));

    public static int Count(JsonArray events, string phase) =>
        events.Count(e => (string?)e!["kind"] == "installation.phase" && (string?)e["phase"] == phase);

    public static async Task<JsonArray> EventsAsync(HttpClient client, string id) =>
        await TestCenter.JsonArray(await client.GetAsync($"/api/v1/events?installation={id}&limit=5000"));

    public static async Task<string?> PhaseAsync(HttpClient client, string id) =>
        (string?)(await TestCenter.Json(await client.GetAsync($"/api/v1/installations/{id}")))["phase"];

    public void Dispose()
    {
        foreach (var name in _replicas.Keys.ToList())
        {
            Kill(name);
        }
    }
}
