using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Plugboard.Managed.Tests;

/// <summary>
/// The UserSync sample host as its own OS process in managed mode (<c>--center URL --scope … --token-file …</c>), with
/// its own state folder. The test calls it over the small HTTP API it serves on <c>--listen</c>: <c>GET /plugins</c>
/// (what runs, with versions, phases and Init metadata), <c>GET /plugins/{id}/test</c> (one call into a plugin) and
/// <c>GET /sync</c> (an import through every plugin). HTTP because the host already serves it for the demo, it is a
/// real call path into the plugins, and a test can drive many calls at once (a stdin loop would serialize them).
/// </summary>
public sealed class UserSyncHostProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;
    private Process? _process;

    public UserSyncHostProcess(string name, string centerUrl, string tokenFile, string stateDirectory)
    {
        Name = name;
        StateDirectory = stateDirectory;
        Url = $"http://127.0.0.1:{FreePort.Next()}";
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        _arguments =
        [
            Path.Combine(EndToEndPaths.UserSyncHostDirectory, "UserSync.Host.dll"),
            "--center", centerUrl, "--scope", EndToEndPaths.Scope, "--token-file", tokenFile,
            "--name", name, "--state", stateDirectory, "--listen", Url, "--data", EndToEndPaths.UserSyncDataDirectory,
            // Short waits so that a test sees changes and reconnections soon; the defaults are for production.
            "--Plugboard:Center:WatchWait", "00:00:05",
            "--Plugboard:Center:HeartbeatInterval", "00:00:01",
            "--Plugboard:Center:InitialBackoff", "00:00:00.200",
            "--Plugboard:Center:MaxBackoff", "00:00:01",
            "--Plugboard:DrainTimeout", "00:00:10",
        ];
    }

    public string Name { get; }

    public string StateDirectory { get; }

    /// <summary>Where the host's HTTP API listens.</summary>
    public string Url { get; }

    /// <summary>What the host process wrote so far, over all its starts.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the host and waits until its API answers (it loads what its saved state holds first).</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = EndToEndPaths.UserSyncHostDirectory,
        };
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _process?.Dispose();
        Append($"--- {Name} starting ---");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"{Name} exited with {(process.HasExited ? process.ExitCode : 0)}:\n{Log}");
                return await TryPluginsAsync() is not null;
            },
            () => $"{Name} never answered on {Url}:\n{Log}",
            TimeSpan.FromMinutes(2));
    }

    /// <summary>Kills the host and the plugin processes it started with SIGKILL, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append($"--- {Name} killed (SIGKILL) ---");
        }
    }

    /// <summary>The data sources the host knows, by id (null while its API does not answer).</summary>
    public async Task<Dictionary<string, JsonObject>?> TryPluginsAsync()
    {
        try
        {
            var list = await _http.GetFromJsonAsync<JsonArray>("plugins");
            return list!.Select(p => p!.AsObject()).ToDictionary(p => (string)p["id"]!);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Whether the host runs <paramref name="plugin"/> <paramref name="version"/> and it is Active.</summary>
    public async Task<bool> RunsAsync(string plugin, string version) =>
        await TryPluginsAsync() is { } plugins && plugins.TryGetValue(plugin, out var p) && (string?)p["version"] == version && (string?)p["phase"] == "Active";

    /// <summary>One call into <paramref name="plugin"/> (its TestConnection): (ok, message), or null when the host does not run it.</summary>
    public async Task<(bool Ok, string Message)?> TestAsync(string plugin)
    {
        using var response = await _http.GetAsync($"plugins/{plugin}/test");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{Name}: GET /plugins/{plugin}/test answered {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        return ((bool)json["ok"]!, (string)json["message"]!);
    }

    /// <summary>One import through every data source: the summary (users, departments, plugins, failed).</summary>
    public async Task<JsonObject> SyncAsync()
    {
        using var response = await _http.GetAsync("sync");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{Name}: GET /sync answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _http.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
