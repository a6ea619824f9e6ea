using System.Text.Json;
using Plugboard.Tests.Shared;

namespace Plugboard.Cli.Tests.Center;

/// <summary>Tokens, access errors and sources against a real center (<c>plugboard serve</c> in its own process).</summary>
public sealed class AdministrationCommandsTests(RunningCenter center) : IClassFixture<RunningCenter>
{
    [Fact]
    public async Task Without_a_token_the_401_says_how_to_give_one()
    {
        var result = await center.RunWithTokenAsync(null, "plugins", "list");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("401", result.Error, StringComparison.Ordinal);
        Assert.Contains("$PLUGBOARD_TOKEN", result.Error, StringComparison.Ordinal);
        Assert.Contains("--token-file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_prints_where_the_center_listens_and_a_token_file_signs_in()
    {
        var file = center.Sandbox.WriteFile("admin.token", RunningCenter.AdminToken + "\n");

        var result = await center.RunWithTokenAsync(null, "tokens", "list", "--token-file", file);

        Assert.Contains($"Plugboard center listening on {center.Url}", center.Log, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("PLUGBOARD_ADMIN_TOKEN", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_token_reads_and_its_write_gets_the_403_explained()
    {
        var created = await center.RunAsync("tokens", "create", "vera", "--role", "viewer", "--json");
        var viewer = JsonDocument.Parse(created.Out).RootElement.GetProperty("token").GetString()!;

        var read = await center.RunWithTokenAsync(viewer, "sources", "list");
        var write = await center.RunWithTokenAsync(viewer, "sources", "add", "sneaky", "--type", "fs", "--path", center.Sandbox.WorkingDirectory);

        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal(3, write.ExitCode);
        Assert.Contains("403", write.Error, StringComparison.Ordinal);
        Assert.Contains("needs the admin role", write.Error, StringComparison.Ordinal);
        Assert.Contains("viewer", write.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_is_printed_once_at_creation_listed_without_it_and_stops_working_when_revoked()
    {
        var created = await center.RunAsync("tokens", "create", "ops-bot", "--role", "admin");
        var lines = created.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var token = lines.Single(l => l.StartsWith("pbt_", StringComparison.Ordinal));
        var id = lines[0].Split(' ')[3];

        var works = await center.RunWithTokenAsync(token, "tokens", "list");
        var revoke = await center.RunAsync("tokens", "revoke", id);
        var refused = await center.RunWithTokenAsync(token, "tokens", "list");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(works.ExitCode == 0, works.ToString());
        Assert.Contains("ops-bot", works.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(token, works.Out, StringComparison.Ordinal);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains($"Revoked token {id} of ops-bot", revoke.Out, StringComparison.Ordinal);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("unknown there or was revoked", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_add_sync_list_and_remove_against_an_fs_source()
    {
        var folder = Directory.CreateDirectory(center.Sandbox.PathOf("fs-source")).FullName;
        File.Copy(await center.PackHttpAsync("1.2.0"), Path.Combine(folder, "custom-http-1.2.0.pbpkg"));

        var add = await center.RunAsync("sources", "add", "local", "--type", "fs", "--path", folder);
        var sync = await center.RunAsync("sources", "sync", "local");
        var list = await center.RunAsync("sources", "list");
        var catalog = await center.RunAsync("plugins", "show", "custom-http", "--json");
        var remove = await center.RunAsync("sources", "remove", "local");
        var after = await center.RunAsync("sources", "list", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Contains("Sync run", sync.Out, StringComparison.Ordinal);
        Assert.Contains("Ok", sync.Out, StringComparison.Ordinal);
        Assert.Matches(@"custom-http\s*│\s*1\.2\.0\s*│\s*added", sync.Out);
        Assert.Matches(@"local\s*│\s*fs", list.Out);
        Assert.Contains(JsonDocument.Parse(catalog.Out).RootElement.GetProperty("versions").EnumerateArray(), v => v.GetProperty("version").GetString() == "1.2.0" && v.GetProperty("origin").GetString() == "local");
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.DoesNotContain(JsonDocument.Parse(after.Out).RootElement.EnumerateArray(), s => s.GetProperty("name").GetString() == "local");
    }

    [Fact]
    public async Task A_source_the_center_refuses_shows_each_field_error()
    {
        var result = await center.RunAsync("sources", "add", "broken", "--type", "ftp");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("400", result.Error, StringComparison.Ordinal);
        Assert.Contains("  - $", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_center_that_does_not_answer_is_explained_with_its_URL_and_how_to_start_one()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await center.RunAsync("plugins", "list", "--url", url);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"Cannot reach the plugin center at {url}/", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugboard serve", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_is_not_sent_in_clear_text_to_another_machine()
    {
        var result = await center.RunAsync("plugins", "list", "--url", "http://center.example.invalid");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Refusing to send the API token over plain http://", result.Error, StringComparison.Ordinal);
    }
}
