using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plugboard.Tests.Shared;

namespace Plugboard.Server.Tests;

/// <summary>
/// The center realizes process plugins itself (a real compiled SDK plugin packed into a .pbpkg, started and supervised
/// by Plugboard.Hosting.Rpc's process runtime) and reaches registered endpoint plugins, driving both through
/// plugboard.v1.Plugin Init/Verify without knowing their contract.
/// </summary>
public sealed partial class ProcessPluginTests : IAsyncLifetime
{
    private const string Secret = "process-s3cret-token-91ab";
    private readonly TestCenter _center = new(new Dictionary<string, string?>
    {
        ["Plugboard:Controller:LifecycleTimeout"] = "00:01:00",
        ["Plugboard:Rpc:RestartDelay"] = "00:00:00.100",
        ["Plugboard:Rpc:HealthCheckInterval"] = "00:00:01",
        ["Plugboard:Rpc:ShutdownGrace"] = "00:00:05",
    });

    private string _packages = null!;

    public async Task InitializeAsync()
    {
        _packages = Path.Combine(_center.DataDirectory, "packages-in");
        Directory.CreateDirectory(_packages);
        await _center.UploadAsync(await FixturePackages.PackProcessPluginAsync(FixturePackages.ProcessYaml(), _packages));
    }

    public async Task DisposeAsync() => await _center.DisposeAsync();

    [Fact]
    public async Task A_process_plugin_becomes_Active_with_its_Init_metadata_and_uninstalling_stops_its_process()
    {
        var id = await InstallAsync(new { greeting = "Howdy", token = Secret });
        var active = await _center.WaitForPhaseAsync(id, "Active");
        Assert.Equal("Howdy", (string?)active["metadata"]!["greeting"]);
        Assert.True((bool)active["metadata"]!["hasToken"]!);
        Assert.True((bool)active["verify"]!["ready"]!);
        var pid = Pid(active);
        Assert.True(IsRunning(pid), $"the plugin's process {pid} should run");
        Assert.NotEqual(Environment.ProcessId, pid);

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{id}")).StatusCode);
        await Eventually.HoldsAsync(async () => (await admin.GetAsync($"/api/v1/installations/{id}")).StatusCode == HttpStatusCode.NotFound, () => "the installation is still there");
        await Eventually.HoldsAsync(() => !IsRunning(pid), () => $"the plugin's process {pid} still runs after the uninstall");
        Assert.DoesNotContain(Secret, _center.Logs.AllText);
    }

    [Fact]
    public async Task A_process_plugin_whose_Verify_says_not_ready_is_Failed_with_its_reason_and_its_process_stopped()
    {
        var id = await InstallAsync(new { ready = false });
        var failed = await _center.WaitAsync(id, i => (string?)i["phase"] == "Failed" && i["verify"] is not null, "Failed with a Verify result");
        Assert.Contains("the configuration says ready: false", (string?)failed["reason"], StringComparison.Ordinal);
        Assert.False((bool)failed["verify"]!["ready"]!);
        var pid = Pid(failed);
        await Eventually.HoldsAsync(() => !IsRunning(pid), () => $"the process {pid} of the refused instance still runs");
    }

    [Fact]
    public async Task A_process_plugin_whose_Init_fails_is_Failed_with_the_plugins_error()
    {
        var id = await InstallAsync(new { failInit = true });
        var failed = await _center.WaitForPhaseAsync(id, "Failed");
        Assert.Contains("Init", (string?)failed["reason"], StringComparison.Ordinal);
        Assert.Contains("failInit: true", (string?)failed["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_plugin_process_is_restarted_by_the_centers_supervisor_and_the_installation_stays_Active()
    {
        var id = await InstallAsync(new { greeting = "Still here" });
        var pid = Pid(await _center.WaitForPhaseAsync(id, "Active"));

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        var recovered = await _center.WaitAsync(id, i => ((string?)i["reason"])?.Contains("serves again", StringComparison.Ordinal) == true, "recovered");
        Assert.Equal("Active", (string?)recovered["phase"]);
        var restarted = int.Parse(RestartedPid().Match((string)recovered["reason"]!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(pid, restarted);
        Assert.True(IsRunning(restarted), $"the restarted process {restarted} should run");

        var events = await TestCenter.JsonArray(await _center.Admin().GetAsync($"/api/v1/events?installation={id}"));
        var kinds = events.Select(e => (string?)e!["kind"]).ToList();
        Assert.Contains("installation.unhealthy", kinds);
        Assert.Contains("installation.recovered", kinds);
        var unhealthy = events.First(e => (string?)e!["kind"] == "installation.unhealthy")!;
        Assert.Equal("supervisor", (string?)unhealthy["actor"]);
        Assert.Contains($"pid {pid}", (string?)unhealthy["reason"], StringComparison.Ordinal);

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{id}")).StatusCode);
        await Eventually.HoldsAsync(() => !IsRunning(restarted), () => $"the restarted process {restarted} still runs after the uninstall (an orphan)");
    }

    [Fact]
    public async Task A_configuration_update_starts_the_new_instance_before_the_old_process_stops()
    {
        var id = await InstallAsync(new { greeting = "One" });
        var first = await _center.WaitForPhaseAsync(id, "Active");
        var oldPid = Pid(first);

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { config = new { greeting = "Two" } })).StatusCode);
        var updated = await _center.WaitAsync(id, i => (string?)i["phase"] == "Active" && (string?)i["metadata"]?["greeting"] == "Two", "Active with greeting Two");
        Assert.NotEqual(oldPid, Pid(updated));
        await Eventually.HoldsAsync(() => !IsRunning(oldPid), () => $"the previous process {oldPid} still runs after the swap");

        // Never without a running instance: each phase the update went through was entered with the old instance still serving.
        var phases = (await TestCenter.JsonArray(await admin.GetAsync($"/api/v1/events?installation={id}")))
            .Where(e => (string?)e!["kind"] == "installation.phase").Select(e => (string?)e!["phase"]).ToList();
        Assert.DoesNotContain("Failed", phases);
    }

    [Fact]
    public async Task A_plugin_registered_with_an_endpoint_is_reached_there_and_driven_through_Init_and_Verify()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"pb-center-endpoint-{Guid.NewGuid():N}.sock");
        using var service = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(FixturePackages.ProcessPluginDirectory, "CenterProcessPlugin.dll"), "--listen", $"unix://{socket}" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            _ = service.StandardOutput.ReadToEndAsync();
            _ = service.StandardError.ReadToEndAsync();
            await Eventually.HoldsAsync(() => File.Exists(socket), () => "the endpoint's socket");

            using var admin = _center.Admin();
            var registered = await admin.PostAsJsonAsync("/api/v1/plugins", new { id = "custom-remote", serviceType = "fixture.greeter", endpoint = $"unix://{socket}", tags = new[] { "remote" } });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var id = (string)(await _center.InstallAsync(new { plugin = "custom-remote", version = "1.0.0", config = new { greeting = "Remote hello" } }))["id"]!;
            var active = await _center.WaitForPhaseAsync(id, "Active");
            Assert.Equal(service.Id, Pid(active));
            Assert.Equal("Remote hello", (string?)active["metadata"]!["greeting"]);

            Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{id}")).StatusCode);
            await Eventually.HoldsAsync(async () => (await admin.GetAsync($"/api/v1/installations/{id}")).StatusCode == HttpStatusCode.NotFound, () => "the installation is still there");
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }

            File.Delete(socket);
        }
    }

    [Fact]
    public async Task Every_log_line_about_an_installation_carries_its_id_plugin_id_and_version()
    {
        var id = await InstallAsync(new { greeting = "Logged" });
        await _center.WaitForPhaseAsync(id, "Active");
        using (var admin = _center.Admin())
        {
            Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{id}")).StatusCode);
            await Eventually.HoldsAsync(async () => (await admin.GetAsync($"/api/v1/installations/{id}")).StatusCode == HttpStatusCode.NotFound, () => "the installation is still there");
        }

        var about = _center.Logs.Records
            .Where(r => r.Message.Contains(id, StringComparison.Ordinal) || Equals(r.Fields.GetValueOrDefault("InstallationId"), id))
            .Where(r => !r.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(about);
        Assert.Contains(about, r => r.Category.StartsWith("Plugboard.Plugins.", StringComparison.Ordinal));
        foreach (var record in about)
        {
            Assert.True(Equals(record.Fields.GetValueOrDefault("InstallationId"), id), $"no InstallationId on: {record.Category} {record.Message}");
            Assert.True(Equals(record.Fields.GetValueOrDefault("PluginId"), "custom-process"), $"no PluginId on: {record.Category} {record.Message}");
            Assert.True(Equals(record.Fields.GetValueOrDefault("Version"), "1.0.0"), $"no Version on: {record.Category} {record.Message}");
        }
    }

    private async Task<string> InstallAsync(object config) =>
        (string)(await _center.InstallAsync(new { plugin = "custom-process", version = "1.0.0", config }))["id"]!;

    private static int Pid(JsonObject installation) => (int)(double)installation["metadata"]!["pid"]!;

    // A zombie waiting to be reaped counts as gone.
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"pid (\d+)\)")]
    private static partial Regex RestartedPid();
}
