using System.Diagnostics;

namespace Plugboard.Docs.Tests;

/// <summary>
/// The blocks of docs/guides/*.md marked <c>&lt;!-- run --&gt;</c> (<see cref="GuideRun"/>) run as a reader would type them:
/// in a scratch folder shared by the guide's run blocks, with the real <c>plugboard</c> (the build of src/Plugboard.Cli)
/// first on PATH and a scratch HOME, so a command or an output that changed fails here instead of for the reader.
/// </summary>
public sealed class GuideRunTests
{
    public static TheoryData<string> GuidesWithRunBlocks()
    {
        var data = new TheoryData<string>();
        var repository = Repository();
        foreach (var guide in Directory.EnumerateFiles(Path.Combine(repository, "docs", "guides"), "*.md").Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(repository, guide);
            if (GuideRun.Read(repository, relative).Any())
            {
                data.Add(relative);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GuidesWithRunBlocks))]
    public async Task A_guide_s_run_blocks_run_and_print_what_the_guide_shows(string guide)
    {
        var repository = Repository();
        using var scratch = new TempFolder("guide-run");
        var environment = Environment(repository, scratch);

        foreach (var block in GuideRun.Read(repository, guide))
        {
            if (block.Language == "sh")
            {
                var result = await RunAsync("set -euo pipefail\n" + block.Code, scratch.Path, environment);
                Assert.True(result.ExitCode == 0, $"{block} exited {result.ExitCode}:\n{result.Output}");
                continue;
            }

            foreach (var (command, expected) in block.Commands())
            {
                var result = await RunAsync(command, scratch.Path, environment);
                Assert.True(result.ExitCode == 0, $"{block}: '{command}' exited {result.ExitCode}:\n{result.Output}");
                var actual = result.Output.Split('\n');
                Assert.True(GuideRun.Matches(expected, actual),
                    $"{block}: '{command}' printed\n{result.Output}\n--- where the guide shows\n{string.Join('\n', expected)}");
            }
        }
    }

    [Fact]
    public void Dots_in_a_shown_output_match_any_text_and_a_line_of_dots_any_lines()
    {
        Assert.True(GuideRun.Matches(["Packed x 1.0.0", "  digest: sha256:…", "…", "done"], ["Packed x 1.0.0", "  digest: sha256:ab12", "a", "b", "done", ""]));
        Assert.True(GuideRun.Matches(["a", "…", "b"], ["a", "b"]));
        Assert.False(GuideRun.Matches(["Packed x 1.0.0"], ["Packed x 1.0.1"]));
        Assert.False(GuideRun.Matches(["a"], ["a", "b"]));
    }

    // The reader's shell: plugboard on PATH (a launcher of the Release or Debug build beside these tests), HOME in the
    // scratch folder (so ~/.plugboard is), git with an identity and no machine configuration.
    private static Dictionary<string, string> Environment(string repository, TempFolder scratch)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var cli = Path.Combine(repository, "src", "Plugboard.Cli", "bin", configuration, "net10.0", "plugboard.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: build src/Plugboard.Cli ({configuration}) first");
        var bin = scratch.Combine(".bin");
        Directory.CreateDirectory(bin);
        var launcher = Path.Combine(bin, "plugboard");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec dotnet '{cli}' \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var home = scratch.Combine(".home");
        Directory.CreateDirectory(home);
        return new Dictionary<string, string>
        {
            ["PATH"] = bin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
            ["HOME"] = home,
            ["PLUGBOARD_HOME"] = "",
            ["PLUGBOARD_CONFIG"] = "",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_AUTHOR_NAME"] = "Guide Reader",
            ["GIT_COMMITTER_NAME"] = "Guide Reader",
            ["GIT_AUTHOR_EMAIL"] = "reader@plugboard.invalid",
            ["GIT_COMMITTER_EMAIL"] = "reader@plugboard.invalid",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string script, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec 2>&1\n" + script + "\n");
        foreach (var (name, value) in environment)
        {
            if (value.Length == 0)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        // One stream, in order, as a terminal shows it: the script's stderr goes to its stdout ('exec 2>&1').
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{script}' did not finish in 5 minutes");
        }

        return (process.ExitCode, await output + await error);
    }

    private static string Repository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Plugboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No repository above {AppContext.BaseDirectory}");
    }
}
