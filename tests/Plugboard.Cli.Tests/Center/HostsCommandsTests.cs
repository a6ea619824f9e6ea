using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests.Center;

/// <summary>
/// <c>plugboard tokens create --role host --scope S</c> and <c>plugboard hosts list</c> against a real center
/// (<c>plugboard serve</c> in its own process). The hosts speak the hosts API over HTTP with the token the CLI created,
/// as a managed host does (register, report); the end-to-end tests in Plugboard.Managed.Tests run real host processes.
/// </summary>
public sealed class HostsCommandsTests(RunningCenter center) : IClassFixture<RunningCenter>
{
    [Fact]
    public async Task A_host_token_is_bound_to_the_scope_given_and_a_host_token_without_a_scope_is_a_usage_error()
    {
        var created = await center.RunAsync("tokens", "create", "edge-hosts", "--role", "host", "--scope", "edge", "--json");
        var missing = await center.RunAsync("tokens", "create", "lost-hosts", "--role", "host");
        var misplaced = await center.RunAsync("tokens", "create", "vera", "--role", "viewer", "--scope", "edge");
        var list = await center.RunAsync("tokens", "list");

        Assert.True(created.ExitCode == 0, created.ToString());
        var token = JsonDocument.Parse(created.Out).RootElement;
        Assert.Equal("host", token.GetProperty("role").GetString());
        Assert.Equal("edge", token.GetProperty("scope").GetString());
        using var host = Client(token.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(host, "edge-token-check")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.GetAsync("api/v1/installations")).StatusCode);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--role host needs --scope SCOPE", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, misplaced.ExitCode);
        Assert.Contains("--scope is only for --role host", misplaced.Error, StringComparison.Ordinal);
        Assert.Contains("edge-hosts", list.Out, StringComparison.Ordinal);
        Assert.Contains("│ edge ", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hosts_list_shows_each_hosts_scope_last_contact_staleness_and_what_it_runs()
    {
        await center.RunAsync("push", await center.PackLdifAsync());
        var ldif = Path.Combine(center.Sandbox.WorkingDirectory, "directory.ldif");
        await File.WriteAllTextAsync(ldif, "version: 1\n");
        var install = await center.RunAsync("install", "custom-ldif", "--scope", "branch", "--set", $"path={ldif}", "--json");
        Assert.True(install.ExitCode == 0, install.ToString());
        var id = JsonDocument.Parse(install.Out).RootElement.GetProperty("id").GetString()!;
        var created = await center.RunAsync("tokens", "create", "branch-hosts", "--role", "host", "--scope", "branch", "--json");
        using var hosts = Client(JsonDocument.Parse(created.Out).RootElement.GetProperty("token").GetString()!);

        // branch-1 runs the installation and keeps reporting; branch-2 registers once and falls silent.
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(hosts, "branch-2")).StatusCode);
        CliResult? list = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(hosts, "branch-1")).StatusCode);
                var report = await hosts.PutAsJsonAsync("api/v1/hosts/branch-1/report", new
                {
                    installations = new[] { new { id, phase = "Active", version = "1.0.0", generation = 1, healthy = true } },
                });
                Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
                list = await center.RunAsync("hosts", "list", "--scope", "branch");
                var lines = list.Out.Split('\n');
                return list.ExitCode == 0
                    && lines.Any(l => l.Contains("branch-1", StringComparison.Ordinal) && l.Contains("│ no ", StringComparison.Ordinal) && l.Contains($"custom-ldif 1.0.0 Active ({id})", StringComparison.Ordinal))
                    && lines.Any(l => l.Contains("branch-2", StringComparison.Ordinal) && l.Contains("stale", StringComparison.Ordinal));
            },
            () => $"hosts list never showed branch-1 live running custom-ldif and branch-2 stale:\n{list}");

        Assert.Contains("│ branch ", list!.Out, StringComparison.Ordinal);
        var json = await center.RunAsync("hosts", "list", "--json");
        var all = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().ToList();
        Assert.Contains(all, h => h.GetProperty("name").GetString() == "branch-1" && h.GetProperty("running")[0].GetProperty("plugin").GetString() == "custom-ldif");
        var none = await center.RunAsync("hosts", "list", "--scope", "nowhere");
        Assert.Contains("No managed host has registered", none.Out, StringComparison.Ordinal);
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(center.Url + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string name) =>
        client.PutAsJsonAsync($"api/v1/hosts/{name}", new { runtimes = new[] { "assembly" }, contracts = new[] { "usersync.datasource" }, plugboardVersion = "0.1.0" });
}
