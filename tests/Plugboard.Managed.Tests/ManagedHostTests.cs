using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Plugboard.Managed.Tests;

/// <summary>
/// Hosts with UseCenter against a real center on a 127.0.0.1 port, each a real generic host with its own state folder,
/// running the compiled fixture plugin.
/// </summary>
public sealed class ManagedHostTests : IAsyncLifetime
{
    private const string Secret = "s3cret-api-key-7f1d";
    private readonly TestCenter _center = new(new() { ["Plugboard:Hosts:SummaryInterval"] = "00:00:00.200" });
    private readonly TempFolder _work = new("managed-hosts");
    private string _url = "";
    private string _token = "";

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        _center.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        _center.StartServer();
        _url = $"http://127.0.0.1:{port}";
        using var admin = _center.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "edge-hosts", role = "host", scope = "edge" });
        _token = (string)(await TestCenter.Json(response))["token"]!;
    }

    public async Task DisposeAsync()
    {
        await _center.DisposeAsync();
        _work.Dispose();
    }

    private Task<ManagedTestHost> StartHostAsync(string name) =>
        ManagedTestHost.StartAsync(_url, _token, "edge", name, Path.Combine(_work.Path, name));

    private async Task<string> InstallHelloAsync(string version = "1.0.0")
    {
        await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(version), _work.Path));
        var created = await _center.InstallAsync(new { plugin = "custom-hello", version, scope = "edge", config = new { greeting = "Howdy", apiKey = Secret } });
        return (string)created["id"]!;
    }

    private static Task GreetsAsync(ManagedTestHost host, string expected) =>
        Eventually.HoldsAsync(() => host.TryGreet("Ada") == expected, () => $"{host.Name} greets '{host.TryGreet("Ada")}', not '{expected}'");

    [Fact]
    public async Task Two_hosts_run_an_installation_of_their_scope_re_init_on_a_config_change_and_unload_on_uninstall()
    {
        await using var one = await StartHostAsync("edge-1");
        await using var two = await StartHostAsync("edge-2");
        var id = await InstallHelloAsync();

        await GreetsAsync(one, "Howdy, Ada!");
        await GreetsAsync(two, "Howdy, Ada!");
        var active = await _center.WaitAsync(id, i => (string?)i["phase"] == "Active" && i["hosts"]!.AsArray().Count == 2, "Active on both hosts");
        Assert.Equal("Howdy", (string?)active["metadata"]!["greeting"]);
        Assert.All(active["hosts"]!.AsArray(), h => Assert.True((bool)h!["verifyReady"]!));

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { config = new { greeting = "Bonjour" } })).StatusCode);
        await GreetsAsync(one, "Bonjour, Ada!");
        await GreetsAsync(two, "Bonjour, Ada!");
        await _center.WaitAsync(id, i => (string?)i["phase"] == "Active" && (long)i["observedGeneration"]! == 2 && (string?)i["metadata"]?["greeting"] == "Bonjour", "Active at generation 2");

        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{id}")).StatusCode);
        await Eventually.HoldsAsync(() => one.TryGreet("Ada") is null && two.TryGreet("Ada") is null, () => "a host still runs custom-hello");
        await Eventually.HoldsAsync(async () => (await admin.GetAsync($"/api/v1/installations/{id}")).StatusCode == HttpStatusCode.NotFound, () => "the installation was never removed");
        Assert.DoesNotContain(Secret, _center.Logs.AllText);
    }

    [Fact]
    public async Task An_upgrade_under_concurrent_calls_swaps_both_hosts_with_no_call_failing()
    {
        await using var one = await StartHostAsync("edge-1");
        await using var two = await StartHostAsync("edge-2");
        var id = await InstallHelloAsync();
        await GreetsAsync(one, "Howdy, Ada!");
        await GreetsAsync(two, "Howdy, Ada!");
        await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.1.0"), _work.Path));

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var calls = 0;
        var callers = new[] { one, two }.Select(host => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Assert.Equal("Howdy, Ada!", await host.Greeters.Get("custom-hello").GreetAsync("Ada"));
                    Interlocked.Increment(ref calls);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { version = "1.1.0" })).StatusCode);
        await Eventually.HoldsAsync(() => one.Plugins.GetStatus("custom-hello")?.Version == "1.1.0" && two.Plugins.GetStatus("custom-hello")?.Version == "1.1.0", () => "a host never ran 1.1.0");
        await _center.WaitAsync(id, i => (string?)i["phase"] == "Active" && (string?)i["version"] == "1.1.0", "Active on 1.1.0");
        await stop.CancelAsync();
        await Task.WhenAll(callers);
        Assert.Equal(0, failures);
        Assert.True(calls > 0);
    }

    [Fact]
    public async Task With_the_center_gone_a_host_keeps_serving_and_restarts_from_its_encrypted_state_without_it()
    {
        var id = await InstallHelloAsync();
        var host = await StartHostAsync("edge-1");
        await GreetsAsync(host, "Howdy, Ada!");
        await _center.WaitForPhaseAsync(id, "Active");
        var state = host.StateDirectory;

        // The secret is on disk only encrypted, under an owner-only key.
        Assert.DoesNotContain(Secret, await File.ReadAllTextAsync(Path.Combine(state, "desired.bin")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state, "host.key")));

        // The center goes away (its port refuses connections): the host keeps serving, and restarts without it.
        await _center.DisposeAsync();
        Assert.Equal("Howdy, Ada!", host.TryGreet("Ada"));
        await host.DisposeAsync();
        await using var restarted = await StartHostAsync("edge-1");
        Assert.Equal("Howdy, Ada!", restarted.TryGreet("Ada"));
        Assert.Equal("Howdy", restarted.Plugins.GetStatus("custom-hello")!.Metadata.Values["greeting"]?.ToString());
    }
}
