using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

public sealed class SyncAndCacheTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public SyncAndCacheTests()
    {
        PluginFolders.Process(_sandbox, "feed/hello");
        PluginFolders.Process(_sandbox, "feed/other", id: "custom-other", version: "0.3.0");
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Sync_reads_plugboard_yaml_in_the_working_folder_and_reports_each_source_as_json()
    {
        WriteYamlConfig();

        var result = await CliRunner.RunAsync(_sandbox, "sync", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal(_sandbox.PathOf("cache"), json.RootElement.GetProperty("cacheDirectory").GetString());
        var source = Assert.Single(json.RootElement.GetProperty("sources").EnumerateArray());
        Assert.Equal("local", source.GetProperty("source").GetString());
        Assert.Equal("ok", source.GetProperty("status").GetString());
        Assert.Equal(2, source.GetProperty("added").GetInt32());
    }

    [Fact]
    public async Task Sync_reads_a_json_config_given_with_config_and_resolves_its_paths_against_the_file()
    {
        var config = _sandbox.WriteFile("conf/plugboard.json", """
            {
              "Plugboard": {
                "Sources": {
                  "CacheDirectory": "../cache-json",
                  "Sources": [ { "Name": "local", "Type": "fs", "Path": "../feed" } ]
                }
              }
            }
            """);

        var first = await CliRunner.RunAsync(_sandbox, "sync", "--config", config, "--json");
        var second = await CliRunner.RunAsync(_sandbox, "sync", "--config", config, "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(Directory.Exists(_sandbox.PathOf("cache-json", "blobs")));
        var unchanged = JsonDocument.Parse(second.Out).RootElement.GetProperty("sources")[0];
        Assert.Equal(0, unchanged.GetProperty("added").GetInt32());
        Assert.Equal(2, unchanged.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task Environment_variables_override_the_config_file()
    {
        WriteYamlConfig();
        _sandbox.Variables["PLUGBOARD__SOURCES__CACHEDIRECTORY"] = _sandbox.PathOf("cache-from-env");

        var result = await CliRunner.RunAsync(_sandbox, "sync", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Directory.Exists(_sandbox.PathOf("cache-from-env", "blobs")));
        Assert.False(Directory.Exists(_sandbox.PathOf("cache")));
    }

    [Fact]
    public async Task A_failing_source_exits_1_and_the_summary_table_shows_both_sources()
    {
        WriteYamlConfig(extraSource: """
                  - Name: missing
                    Type: fs
                    Path: ../nowhere
            """);

        var result = await CliRunner.RunAsync(_sandbox, "sync");

        Assert.Equal(1, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Contains(lines, l => l.Contains("source", StringComparison.Ordinal) && l.Contains("unchanged", StringComparison.Ordinal) && l.Contains("error", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("local", StringComparison.Ordinal) && l.Contains("ok", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("missing", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        Assert.Contains("1 of 2 source(s) failed", result.Out, StringComparison.Ordinal);
        Assert.Contains("nowhere", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_of_one_source_by_name_leaves_the_others_alone()
    {
        WriteYamlConfig(extraSource: """
                  - Name: missing
                    Type: fs
                    Path: ../nowhere
            """);

        var result = await CliRunner.RunAsync(_sandbox, "sync", "--source", "local", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(JsonDocument.Parse(result.Out).RootElement.GetProperty("sources").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_source_name_is_a_usage_error_with_a_suggestion()
    {
        WriteYamlConfig();

        var result = await CliRunner.RunAsync(_sandbox, "sync", "--source", "locl");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No source is named 'locl'. Did you mean 'local'?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_terminal_sync_shows_progress_and_the_summary()
    {
        WriteYamlConfig();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new Plugboard.Cli.Console.CliConsole(output, error, isTerminal: true);
        var environment = new Plugboard.Cli.Console.CliEnvironment(new Dictionary<string, string>(_sandbox.Variables), _sandbox.WorkingDirectory);

        var exitCode = await PlugboardCli.RunAsync(["sync"], console, environment);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Contains("local", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("unchanged", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_configuration_sync_says_how_to_give_one()
    {
        var result = await CliRunner.RunAsync(_sandbox, "sync");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No configuration found", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugboard.yaml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_configuration_lists_every_problem()
    {
        _sandbox.WriteFile("work/plugboard.yaml", """
            Plugboard:
              Sources:
                Sources:
                  - Name: a
                    Type: ftp
            """);

        var result = await CliRunner.RunAsync(_sandbox, "sync");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CacheDirectory is required", result.Error, StringComparison.Ordinal);
        Assert.Contains("ftp", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_s3_source_is_a_known_type_whose_own_settings_are_checked()
    {
        _sandbox.WriteFile("work/plugboard.yaml", """
            Plugboard:
              Sources:
                CacheDirectory: ../cache
                Sources:
                  - Name: bucket
                    Type: s3
                    Settings:
                      region: eu-west-1
            """);

        var result = await CliRunner.RunAsync(_sandbox, "sync");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Source 'bucket': Settings:Bucket is required", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not known", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_s3_cache_section_is_used_and_checked_like_a_host_does()
    {
        WriteYamlConfig(extraSource: """
              Cache:
                S3:
                  Region: eu-west-1
            """);

        var result = await CliRunner.RunAsync(_sandbox, "cache", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("section Plugboard:Cache:S3, is invalid", result.Error, StringComparison.Ordinal);
        Assert.Contains("Bucket is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_yaml_names_the_file_and_line()
    {
        _sandbox.WriteFile("work/plugboard.yaml", "Plugboard:\n  Sources: [unclosed\n");

        var result = await CliRunner.RunAsync(_sandbox, "sync");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("plugboard.yaml", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_list_shows_the_synced_plugins()
    {
        WriteYamlConfig();
        await CliRunner.RunAsync(_sandbox, "sync");

        var table = await CliRunner.RunAsync(_sandbox, "cache", "list");
        var json = await CliRunner.RunAsync(_sandbox, "cache", "list", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("custom-hello", table.Out, StringComparison.Ordinal);
        Assert.Contains("0.3.0", table.Out, StringComparison.Ordinal);
        var plugins = JsonDocument.Parse(json.Out).RootElement.GetProperty("plugins").EnumerateArray().ToList();
        Assert.Equal(["custom-hello", "custom-other"], plugins.Select(p => p.GetProperty("id").GetString()));
        Assert.All(plugins, p => Assert.True(Directory.Exists(p.GetProperty("directory").GetString())));
    }

    [Fact]
    public async Task Cache_gc_removes_what_no_entry_references_and_dry_run_removes_nothing()
    {
        WriteYamlConfig();
        await CliRunner.RunAsync(_sandbox, "sync");
        Directory.Delete(_sandbox.PathOf("feed", "other"), recursive: true);
        await CliRunner.RunAsync(_sandbox, "sync");
        var blobs = Directory.GetFiles(_sandbox.PathOf("cache", "blobs"), "*", SearchOption.AllDirectories).Length;

        var dryRun = await CliRunner.RunAsync(_sandbox, "cache", "gc", "--dry-run", "--json");
        var blobsAfterDryRun = Directory.GetFiles(_sandbox.PathOf("cache", "blobs"), "*", SearchOption.AllDirectories).Length;
        var collect = await CliRunner.RunAsync(_sandbox, "cache", "gc", "--json");
        var list = await CliRunner.RunAsync(_sandbox, "cache", "list", "--json");

        var planned = JsonDocument.Parse(dryRun.Out).RootElement;
        var removed = JsonDocument.Parse(collect.Out).RootElement;
        Assert.Equal(1, planned.GetProperty("blobsRemoved").GetInt32());
        Assert.Equal(1, planned.GetProperty("pluginDirectoriesRemoved").GetInt32());
        Assert.Equal(blobs, blobsAfterDryRun);
        Assert.Equal(planned.GetProperty("blobsRemoved").GetInt32(), removed.GetProperty("blobsRemoved").GetInt32());
        Assert.Equal(planned.GetProperty("pluginDirectoriesRemoved").GetInt32(), removed.GetProperty("pluginDirectoriesRemoved").GetInt32());
        Assert.Equal(planned.GetProperty("bytesFreed").GetInt64(), removed.GetProperty("bytesFreed").GetInt64());
        Assert.False(Directory.Exists(_sandbox.PathOf("cache", "plugins", "custom-other")));
        Assert.Single(JsonDocument.Parse(list.Out).RootElement.GetProperty("plugins").EnumerateArray());
    }

    [Fact]
    public async Task A_package_changed_under_the_same_version_is_refused_until_relocked()
    {
        WriteYamlConfig();
        await CliRunner.RunAsync(_sandbox, "sync");
        var locked = await CliRunner.RunAsync(_sandbox, "lock", "list", "--json");
        _sandbox.WriteFile("feed/hello/bin/run.sh", "#!/bin/sh\necho changed\n", executable: true);

        var refused = await CliRunner.RunAsync(_sandbox, "sync");
        var relock = await CliRunner.RunAsync(_sandbox, "lock", "relock", "custom-hello", "1.0.0", "--json");
        var relocked = await CliRunner.RunAsync(_sandbox, "lock", "list", "--json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("custom-hello", refused.Error, StringComparison.Ordinal);
        Assert.True(relock.ExitCode == 0, relock.ToString());
        Assert.Equal(1, JsonDocument.Parse(relock.Out).RootElement.GetProperty("sources")[0].GetProperty("updated").GetInt32());
        Assert.NotEqual(HelloDigest(locked.Out), HelloDigest(relocked.Out));
    }

    [Fact]
    public async Task Relocking_a_plugin_that_is_not_locked_fails_with_a_hint()
    {
        WriteYamlConfig();

        var result = await CliRunner.RunAsync(_sandbox, "lock", "relock", "custom-nothing");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not in the lock", result.Error, StringComparison.Ordinal);
    }

    private static string HelloDigest(string lockJson) => JsonDocument.Parse(lockJson).RootElement.GetProperty("plugins").EnumerateArray()
        .Single(p => p.GetProperty("id").GetString() == "custom-hello").GetProperty("digest").GetString()!;

    private void WriteYamlConfig(string extraSource = "") => _sandbox.WriteFile("work/plugboard.yaml", $"""
        Plugboard:
          Sources:
            CacheDirectory: ../cache
            Sources:
              - Name: local
                Type: fs
                Path: ../feed
        {extraSource}
        """);
}
