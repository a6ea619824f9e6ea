using Plugboard.Tests.Shared;

namespace Plugboard.Server.Tests;

/// <summary>The center's process plugins take their options from Plugboard:Rpc, per plugin too: here automatic mutual TLS.</summary>
public sealed class MutualTlsProcessPluginTests : IAsyncLifetime
{
    private readonly TestCenter _center = new(new Dictionary<string, string?>
    {
        ["Plugboard:Controller:LifecycleTimeout"] = "00:01:00",
        ["Plugboard:Rpc:Plugins:custom-process:AutoMutualTls"] = "true",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _center.DisposeAsync();

    [Fact]
    public async Task A_process_plugin_configured_for_mutual_TLS_is_started_with_a_client_certificate_and_becomes_Active()
    {
        var packages = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "packages-in")).FullName;
        await _center.UploadAsync(await FixturePackages.PackProcessPluginAsync(FixturePackages.ProcessYaml(), packages));
        var id = (string)(await _center.InstallAsync(new { plugin = "custom-process", version = "1.0.0", config = new { greeting = "Over TLS" } }))["id"]!;
        var active = await _center.WaitForPhaseAsync(id, "Active");
        Assert.Equal("Over TLS", (string?)active["metadata"]!["greeting"]);

        // The plugin serves only TLS when the host gives it a client certificate; Init and Verify went over that channel.
        var pid = (int)(double)active["metadata"]!["pid"]!;
        var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0');
        Assert.Contains(environment, v => v.StartsWith("PLUGIN_CLIENT_CERT=-----BEGIN CERTIFICATE-----", StringComparison.Ordinal));
    }
}
