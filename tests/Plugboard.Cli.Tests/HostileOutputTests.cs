using System.IO.Compression;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary>Names chosen by a hostile package reach the operator's terminal escaped: no ESC, BEL or CR acts on it.</summary>
public sealed class HostileOutputTests : IDisposable
{
    // An OSC title change, a screen clear and a colour, in one entry name.
    private const string HostileName = "lib/\u001b]0;pwned\u0007\u001b[2J\u001b[31mred.dll";

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private string WriteHostilePackage(string relativePath)
    {
        var path = _sandbox.PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, text) in new[] { ("plugin.yaml", "id: custom-evil\nversion: 1.0.0\nruntime: process\nentry: run.sh\n"), (HostileName, "x") })
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        return path;
    }

    private static void AssertNothingActs(CliResult result)
    {
        foreach (var text in new[] { result.Out, result.Error })
        {
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\u0007', text);
            Assert.DoesNotContain('\r', text);
        }
    }

    [Fact]
    public async Task Verify_shows_a_hostile_entry_name_escaped()
    {
        var package = WriteHostilePackage("evil/custom-evil-1.0.0.pbpkg");

        var result = await CliRunner.RunAsync(_sandbox, "verify", package);

        Assert.Equal(1, result.ExitCode);
        AssertNothingActs(result);
        Assert.Contains("\\u001b]0;pwned\\u0007\\u001b[2J", result.Error);
    }

    [Fact]
    public async Task Sync_shows_a_hostile_entry_name_escaped_in_its_table_and_errors()
    {
        WriteHostilePackage("feed/custom-evil-1.0.0.pbpkg");
        _sandbox.WriteFile("work/plugboard.yaml", """
            Plugboard:
              Sources:
                CacheDirectory: ../cache
                Sources:
                  - Name: local
                    Type: fs
                    Path: ../feed
            """);

        var result = await CliRunner.RunAsync(_sandbox, "sync");

        Assert.Equal(1, result.ExitCode);
        AssertNothingActs(result);
        Assert.Contains("\\u001b[31mred.dll", result.Error);
    }

    [Fact]
    public async Task Pack_shows_a_hostile_file_name_escaped()
    {
        PluginFolders.Process(_sandbox, "src/evil", id: "custom-evil");
        _sandbox.WriteFile("src/evil/bin/\u001b[2Jclear\rme", "x");

        var result = await CliRunner.RunAsync(_sandbox, "pack", _sandbox.PathOf("src/evil"), "--output", _sandbox.PathOf("out"));

        Assert.Equal(1, result.ExitCode);
        AssertNothingActs(result);
        Assert.Contains("\\u001b[2Jclear\\u000dme", result.Error);
    }
}
