using System.Net;
using System.Text.RegularExpressions;
using Plugboard.Tests.Shared;

namespace Plugboard.Server.Tests;

/// <summary>/metrics: the center's, the runtimes' and ASP.NET Core's series in Prometheus text format, for admins only.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly TestCenter _center = new(new Dictionary<string, string?> { ["Plugboard:Controller:LifecycleTimeout"] = "00:01:00" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _center.DisposeAsync();

    [Fact]
    public async Task After_an_install_metrics_show_phases_transitions_imports_plugin_calls_and_API_requests()
    {
        var packages = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "packages-in")).FullName;
        await _center.UploadAsync(await FixturePackages.PackProcessPluginAsync(FixturePackages.ProcessYaml(), packages));
        var id = (string)(await _center.InstallAsync(new { plugin = "custom-process", version = "1.0.0", config = new { greeting = "Metered" } }))["id"]!;
        await _center.WaitForPhaseAsync(id, "Active");

        using var admin = _center.Admin();
        var text = string.Empty;
        await Eventually.HoldsAsync(
            async () =>
            {
                var response = await admin.GetAsync("/metrics");
                text = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK && Regex.IsMatch(text, @"^plugboard_center_installations\{[^}]*phase=""Active""[^}]*\} 1\b", RegexOptions.Multiline);
            },
            () => "no installations gauge with one Active installation in:\n" + text);

        Assert.Matches(new Regex(@"^plugboard_center_installations\{[^}]*phase=""Failed""[^}]*\} 0\b", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^plugboard_center_installation_transitions_total\{[^}]*phase=""Active""", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^plugboard_center_packages_imported_total\{[^}]*origin=""upload""[^}]*\} 1\b", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^plugboard_center_plugin_calls_total\{[^}]*operation=""init""[^}]*plugin=""custom-process""", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^plugboard_rpc_client_call_duration_seconds_count\{[^}]*Init", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^http_server_request_duration_seconds_count\{[^}]*http_route=""/api/v1/installations/\{id\}""", RegexOptions.Multiline), text);
    }

    [Fact]
    public async Task Metrics_need_an_admin_token()
    {
        using var anonymous = _center.WithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var viewer = _center.WithToken(await _center.ViewerTokenAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/metrics")).StatusCode);
    }
}
