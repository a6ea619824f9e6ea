using System.Net;
using System.Text.Json;
using Plugboard.Cli.Center;
using static Plugboard.Server.Api.InstallationsApi;

namespace Plugboard.Cli.Tests.Center;

/// <summary>
/// push, install, status, configure, upgrade and uninstall against a real center (<c>plugboard serve</c> in its own
/// process) installing the real custom-http and custom-ldif sample plugins. No CLI output ever holds the secret
/// given with --set (<see cref="RunningCenter.NeverPrinted"/> is checked on every run).
/// </summary>
public sealed class InstallationCommandsTests(InstalledCenter installed) : IClassFixture<InstalledCenter>
{
    private RunningCenter Center => installed.Center;

    [Fact]
    public void Push_then_install_with_a_secret_and_wait_reaches_Active()
    {
        Assert.True(installed.Push.ExitCode == 0, installed.Push.ToString());
        Assert.Contains("Pushed custom-http 1.0.0 into the catalog", installed.Push.Out, StringComparison.Ordinal);
        Assert.True(installed.Install.ExitCode == 0, installed.Install.ToString() + Center.Log);
        Assert.Contains("Installing custom-http (1.0.0) in scope 'center'", installed.Install.Out, StringComparison.Ordinal);
        Assert.Contains("custom-http 1.0.0 initialized and verified", installed.Install.Out, StringComparison.Ordinal);
        Assert.Contains($"{installed.InstallationId} is Active: custom-http 1.0.0", installed.Install.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_shows_phase_Init_metadata_Verify_and_the_secret_only_as_set()
    {
        var status = await Center.RunAsync("status", installed.InstallationId);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"{installed.InstallationId}: custom-http 1.0.0 in scope 'center'", status.Out, StringComparison.Ordinal);
        Assert.Contains("phase:       Active", status.Out, StringComparison.Ordinal);
        Assert.Contains($"\"endpoint\":\"{Center.DirectoryUrl}/\"", status.Out, StringComparison.Ordinal);
        Assert.Contains("verify:      ready", status.Out, StringComparison.Ordinal);
        Assert.Contains("apiToken = (set) (secret)", status.Out, StringComparison.Ordinal);
        Assert.Contains("installation.created", status.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(InstalledCenter.Secret, Center.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_with_a_bad_value_is_refused_naming_the_field()
    {
        var result = await Center.RunAsync("configure", installed.InstallationId, "--set", "pageSize=0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("400", result.Error, StringComparison.Ordinal);
        Assert.Contains("$.config.pageSize", result.Error, StringComparison.Ordinal);
        Assert.Contains("(--set pageSize)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_changes_the_field_given_keeps_the_secret_and_reruns_Init()
    {
        var result = await Center.RunAsync("configure", installed.InstallationId, "--set", "pageSize=20", "--wait");
        var status = await Center.RunAsync("status", installed.InstallationId, "--json");

        Assert.True(result.ExitCode == 0, result.ToString() + Center.Log);
        Assert.Contains("is Active", result.Out, StringComparison.Ordinal);
        var installation = JsonDocument.Parse(status.Out).RootElement.GetProperty("installation");
        Assert.Equal(20, installation.GetProperty("config").GetProperty("pageSize").GetInt32());
        Assert.True(installation.GetProperty("secrets").GetProperty("$.apiToken").GetBoolean());
        Assert.Equal(20, installation.GetProperty("metadata").GetProperty("pageSize").GetInt32());
    }

    [Fact]
    public async Task An_upgrade_outside_the_upgrade_rules_is_refused_naming_both_versions()
    {
        var push = await Center.RunAsync("push", await Center.PackHttpAsync("2.0.0", "supportedUpgradeFrom: \">=1.5.0\""));
        var result = await Center.RunAsync("upgrade", installed.InstallationId, "--version", "2.0.0");

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("409", result.Error, StringComparison.Ordinal);
        Assert.Contains("custom-http 2.0.0 cannot be installed over 1.0.0", result.Error, StringComparison.Ordinal);
        Assert.Contains(">=1.5.0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_is_refused_while_an_Active_installation_depends_on_it_and_the_refusal_names_it()
    {
        var ldif = Center.Sandbox.WriteFile("directory.ldif", "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n");
        var push = await Center.RunAsync("push", await Center.PackLdifAsync("dependencies:\n  - id: custom-http\n    version: ^1.0"));
        var config = Center.Sandbox.WriteFile("ldif.yaml", $"path: '{ldif}'\nuserObjectClass: inetOrgPerson\n");
        var install = await Center.RunAsync("install", "custom-ldif", "--config-file", config, "--wait", "--json");
        Assert.True(install.ExitCode == 0, install.ToString() + Center.Log);
        var dependent = JsonDocument.Parse(install.Out).RootElement.GetProperty("id").GetString()!;

        var result = await Center.RunAsync("uninstall", installed.InstallationId);

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"installation {dependent} (custom-ldif 1.0.0) depends on it", result.Error, StringComparison.Ordinal);
        var status = await Center.RunAsync("status", installed.InstallationId, "--json");
        Assert.Equal("Active", JsonDocument.Parse(status.Out).RootElement.GetProperty("installation").GetProperty("phase").GetString());
    }

    [Fact]
    public async Task A_change_based_on_a_stale_read_gets_the_412_explained()
    {
        // The commands always read first; a stale ETag is what they send when someone writes in between.
        using var client = new CenterClient(new CenterConnection(new Uri(Center.Url), RunningCenter.AdminToken, "$PLUGBOARD_TOKEN"));
        var stale = "\"00000000000000000000000000000000\"";

        var error = await Assert.ThrowsAsync<CenterException>(() =>
            client.PatchAsync<InstallationDto>(ChangeCommands.PathOf(installed.InstallationId), new PatchInstallationRequest(null, null, new() { ["pageSize"] = 30 }), stale, CancellationToken.None));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.Status);
        Assert.Contains("412", error.Message, StringComparison.Ordinal);
        Assert.Contains("someone changed it since this command read it. Run the command again", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Current);
    }

    [Fact]
    public async Task Json_output_is_the_API_objects()
    {
        var list = await Center.RunAsync("plugins", "list", "--json");
        var show = await Center.RunAsync("plugins", "show", "custom-http", "--json");
        var installations = await Center.RunAsync("status", "--json");

        var page = JsonDocument.Parse(list.Out).RootElement;
        Assert.Contains(page.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == "custom-http");
        Assert.True(page.GetProperty("total").GetInt32() >= 1);
        var plugin = JsonDocument.Parse(show.Out).RootElement;
        Assert.Contains(plugin.GetProperty("versions").EnumerateArray(), v => v.GetProperty("version").GetString() == "1.0.0" && v.GetProperty("digest").GetString()!.StartsWith("sha256:", StringComparison.Ordinal));
        Assert.Contains(JsonDocument.Parse(installations.Out).RootElement.EnumerateArray(), i => i.GetProperty("id").GetString() == installed.InstallationId);
    }

    [Fact]
    public async Task Tables_list_the_catalog_and_the_installations()
    {
        var list = await Center.RunAsync("plugins", "list", "--tag", "json");
        var show = await Center.RunAsync("plugins", "show", "custom-http");
        var status = await Center.RunAsync("status");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("custom-http", list.Out, StringComparison.Ordinal);
        Assert.Contains("HTTP JSON directory", list.Out, StringComparison.Ordinal);
        Assert.Contains("apiToken (secret)", show.Out, StringComparison.Ordinal);
        Assert.Contains(installed.InstallationId, status.Out, StringComparison.Ordinal);
        var none = await Center.RunAsync("plugins", "list", "--tag", "no-such-tag");
        Assert.Contains("No plugin in the catalog matches", none.Out, StringComparison.Ordinal);
    }
}
