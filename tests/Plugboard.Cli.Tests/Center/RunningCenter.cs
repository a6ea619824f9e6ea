using System.Diagnostics;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Plugboard.Cli.Tests.Infrastructure;
using Plugboard.Tests.Shared;

namespace Plugboard.Cli.Tests.Center;

/// <summary>
/// A real plugin center for the CLI to talk to: <c>plugboard serve</c> run as its own process on a free 127.0.0.1 port
/// with a fresh data folder and a known admin token; the usersync contract assembly in its contracts folder, so the
/// sample assembly plugins can be installed; and the small HTTP directory the custom-http sample checks in Verify.
/// Every CLI run through <see cref="RunAsync(string[])"/> is kept, so tests can search all output.
/// </summary>
public sealed class RunningCenter : IAsyncLifetime
{
    public const string AdminToken = "pbt_cli-tests-admin-token-0123456789";

    private static readonly string CustomHttpDirectory = Metadata("CustomHttpDirectory");
    private static readonly string CustomLdifDirectory = Metadata("CustomLdifDirectory");

    private readonly StringBuilder _log = new();
    private readonly List<CliResult> _runs = [];
    private Process? _process;
    private WebApplication? _directory;

    public Sandbox Sandbox { get; } = new();

    public string Url { get; private set; } = string.Empty;

    /// <summary>Text no CLI output may ever contain (secret values given with --set); checked on every run.</summary>
    public List<string> NeverPrinted { get; } = [];

    /// <summary>The URL of the HTTP directory custom-http reads (it answers <c>GET health</c>).</summary>
    public string DirectoryUrl { get; private set; } = string.Empty;

    /// <summary>What the center process wrote (its logs), so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Every CLI run so far, stdout and stderr.</summary>
    public string AllOutput
    {
        get
        {
            lock (_runs)
            {
                return string.Join("\n", _runs.Select(r => r.ToString()));
            }
        }
    }

    public async Task InitializeAsync()
    {
        var data = Sandbox.PathOf("center");
        var contracts = Directory.CreateDirectory(Path.Combine(data, "contracts")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "UserSync.Contracts.dll"), Path.Combine(contracts, "UserSync.Contracts.dll"));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        _directory = builder.Build();
        _directory.MapGet("/health", () => Results.Ok("ok"));
        await _directory.StartAsync();
        DirectoryUrl = _directory.Urls.Single();

        Url = $"http://127.0.0.1:{FreePort.Next()}";
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Sandbox.WorkingDirectory,
        };
        foreach (var arg in new[] { PlugboardProcess.Assembly, "serve", "--urls", Url, "--data", data })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in Sandbox.Variables)
        {
            start.Environment[name] = value;
        }

        start.Environment["PLUGBOARD_ADMIN_TOKEN"] = AdminToken;
        start.Environment["Plugboard__Controller__ResyncInterval"] = "00:00:00.200";
        start.Environment["Plugboard__Controller__InitialBackoff"] = "00:00:00.200";
        start.Environment["Plugboard__Controller__MaxBackoff"] = "00:00:01";
        start.Environment["Logging__LogLevel__Default"] = "Debug";
        // Managed hosts (HostsCommandsTests) that fall silent are stale after 5 s instead of a minute.
        start.Environment["Plugboard__Hosts__StaleAfter"] = "00:00:05";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(_process.HasExited, $"plugboard serve exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
                try
                {
                    using var response = await http.GetAsync(Url + "/readyz");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            () => $"the center never became ready:\n{Log}",
            TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_directory is not null)
        {
            await _directory.DisposeAsync();
        }

        Sandbox.Dispose();
    }

    /// <summary>Runs the CLI against this center with the admin token in <c>PLUGBOARD_TOKEN</c>.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithTokenAsync(AdminToken, args);

    /// <summary>Runs the CLI against this center with <paramref name="token"/> in <c>PLUGBOARD_TOKEN</c> (none when null).</summary>
    public async Task<CliResult> RunWithTokenAsync(string? token, params string[] args)
    {
        var result = await CliRunner.RunAsync(Sandbox, new Dictionary<string, string?> { ["PLUGBOARD_URL"] = Url, ["PLUGBOARD_TOKEN"] = token }, args);
        lock (_runs)
        {
            _runs.Add(result);
        }

        foreach (var secret in NeverPrinted)
        {
            Assert.False(result.Out.Contains(secret, StringComparison.Ordinal) || result.Error.Contains(secret, StringComparison.Ordinal), $"a secret value was printed by 'plugboard {string.Join(' ', args)}'");
        }

        return result;
    }

    /// <summary>Packs the custom-http sample as <paramref name="version"/> with <paramref name="extraYaml"/> added to its plugin.yaml, with <c>plugboard pack</c>.</summary>
    public Task<string> PackHttpAsync(string version = "1.0.0", string extraYaml = "") => PackAsync(CustomHttpDirectory, "custom-http", version, extraYaml);

    /// <summary>Packs the custom-ldif sample with <paramref name="extraYaml"/> added to its plugin.yaml.</summary>
    public Task<string> PackLdifAsync(string extraYaml = "") => PackAsync(CustomLdifDirectory, "custom-ldif", "1.0.0", extraYaml);

    private async Task<string> PackAsync(string sample, string id, string version, string extraYaml)
    {
        var folder = Sandbox.PathOf("plugins", $"{id}-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(sample))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var yaml = await File.ReadAllTextAsync(Path.Combine(sample, "plugin.yaml"));
        yaml = yaml.Replace("version: 1.0.0", $"version: {version}", StringComparison.Ordinal).TrimEnd() + "\n" + extraYaml + "\n";
        await File.WriteAllTextAsync(Path.Combine(folder, "plugin.yaml"), yaml);
        var package = folder + ".pbpkg";
        var pack = await CliRunner.RunAsync(Sandbox, "pack", folder, "-o", package);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        return package;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static string Metadata(string key) => typeof(RunningCenter).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
