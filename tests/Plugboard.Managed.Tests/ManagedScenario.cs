using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Plugboard.Packaging;

namespace Plugboard.Managed.Tests;

/// <summary>
/// A center process on a fresh data folder (with the usersync contract in its contracts folder), a host token of
/// scope <see cref="EndToEndPaths.Scope"/> in a 0600 file, the sample plugins packed as a publisher would, and managed
/// UserSync host processes, each with its own state folder. Disposing kills every process and deletes the folders.
/// </summary>
public sealed class ManagedScenario : IAsyncDisposable
{
    public const string Ldif = "custom-ldif";
    public const string Process = "custom-csv-process";

    // Processes start, JIT and load plugins on a machine that may be busy: bound the waits generously (no test asserts
    // how long anything took; the bound only keeps a broken run from hanging).
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private readonly TempFolder _work = new("managed-e2e");
    private readonly List<UserSyncHostProcess> _hosts = [];
    private readonly List<string> _steps = [];

    private ManagedScenario()
    {
        var data = Directory.CreateDirectory(Path.Combine(_work.Path, "center")).FullName;
        var contracts = Directory.CreateDirectory(Path.Combine(data, "contracts")).FullName;
        File.Copy(Path.Combine(EndToEndPaths.UserSyncHostDirectory, "UserSync.Contracts.dll"), Path.Combine(contracts, "UserSync.Contracts.dll"));
        Center = new CenterProcess(EndToEndPaths.ServerAssembly, data);
    }

    public CenterProcess Center { get; }

    public IReadOnlyList<UserSyncHostProcess> Hosts => _hosts;

    public string WorkDirectory => _work.Path;

    /// <summary>Everything the processes wrote, for failure messages.</summary>
    public string Logs => string.Join("\n", new[] { "=== test steps ===", string.Join("\n", Steps()), "=== center ===", Center.Log }.Concat(_hosts.SelectMany(h => new[] { $"=== {h.Name} ===", h.Log })));

    /// <summary>Notes a step of the test with the time, for the account of a failure.</summary>
    public void Step(string what)
    {
        lock (_steps)
        {
            _steps.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {what}");
        }
    }

    private List<string> Steps()
    {
        lock (_steps)
        {
            return [.. _steps];
        }
    }

    /// <summary>Starts the center, creates the host token and starts <paramref name="hosts"/> managed hosts.</summary>
    public static async Task<ManagedScenario> StartAsync(int hosts)
    {
        var scenario = new ManagedScenario();
        try
        {
            await scenario.Center.StartAsync();
            using var admin = scenario.Center.Admin();
            var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "usersync-hosts", role = "host", scope = EndToEndPaths.Scope });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var tokenFile = Path.Combine(scenario._work.Path, "host.token");
            await File.WriteAllTextAsync(tokenFile, (string)(await ReadAsync(created))["token"]!);
            File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            for (var i = 1; i <= hosts; i++)
            {
                var name = $"usersync-{i}";
                scenario._hosts.Add(new UserSyncHostProcess(name, scenario.Center.Url, tokenFile, Path.Combine(scenario._work.Path, name)));
            }

            await Task.WhenAll(scenario._hosts.Select(h => h.StartAsync()));
            scenario.Step("center and hosts started");
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>Packs the custom-ldif sample (an assembly plugin) as <paramref name="version"/> and pushes it.</summary>
    public Task PushLdifAsync(string version) => PushAsync(EndToEndPaths.CustomLdifDirectory, version);

    /// <summary>Packs the C# process plugin sample as <paramref name="version"/> and pushes it.</summary>
    public Task PushProcessAsync(string version) => PushAsync(EndToEndPaths.CSharpProcessDirectory, version);

    /// <summary>Installs <paramref name="plugin"/> for the hosts' scope; returns the installation id.</summary>
    public async Task<string> InstallAsync(string plugin, string version, object config)
    {
        Step($"install {plugin} {version}");
        using var admin = Center.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/installations", new { plugin, version, scope = EndToEndPaths.Scope, config });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return (string)JsonNode.Parse(body)!["id"]!;
    }

    /// <summary>PATCHes an installation (a new configuration or version).</summary>
    public async Task PatchAsync(string id, object change)
    {
        Step($"patch {id}");
        using var admin = Center.Admin();
        var response = await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", change);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public async Task UninstallAsync(string id)
    {
        Step($"uninstall {id}");
        using var admin = Center.Admin();
        var response = await admin.DeleteAsync($"/api/v1/installations/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The installation as the center shows it (null once it is gone).</summary>
    public async Task<JsonObject?> InstallationAsync(string id)
    {
        using var admin = Center.Admin();
        using var response = await admin.GetAsync($"/api/v1/installations/{id}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync(response);
    }

    /// <summary>Waits until the center reports the installation Active on every host at <paramref name="generation"/>.</summary>
    public async Task<JsonObject> WaitActiveOnAllHostsAsync(string id, long generation)
    {
        JsonObject? last = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                last = await InstallationAsync(id);
                return last is not null && (string?)last["phase"] == "Active" && (long)last["observedGeneration"]! == generation
                    && last["hosts"] is JsonArray hosts && _hosts.All(h => hosts.Any(x => (string?)x!["host"] == h.Name && (string?)x["phase"] == "Active" && (long)x["generation"]! == generation));
            },
            () => $"installation {id} never became Active at generation {generation} on every host; last: {last}\n{Logs}",
            Bound);
        return last!;
    }

    /// <summary>Waits until <paramref name="holds"/> holds on every host.</summary>
    public Task OnEveryHostAsync(Func<UserSyncHostProcess, Task<bool>> holds, string what) =>
        Eventually.HoldsAsync(
            async () => (await Task.WhenAll(_hosts.Select(holds))).All(x => x),
            () => $"not so on every host: {what}\n{Logs}",
            Bound);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Center.DisposeAsync();
        _work.Dispose();
    }

    private async Task PushAsync(string buildDirectory, string version)
    {
        Step($"push {Path.GetFileName(buildDirectory.TrimEnd('/'))} {version}");
        var folder = Path.Combine(_work.Path, "packages", $"{Path.GetFileName(buildDirectory.TrimEnd('/'))}-{version}-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(buildDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(buildDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var manifest = Path.Combine(folder, "plugin.yaml");
        var yaml = await File.ReadAllTextAsync(manifest);
        await File.WriteAllTextAsync(manifest, yaml.Replace("version: 1.0.0", $"version: {version}", StringComparison.Ordinal));
        var package = folder + ".pbpkg";
        await PackageWriter.PackAsync(folder, package);

        using var admin = Center.Admin();
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(package));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await admin.PostAsync("/api/v1/packages", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}
