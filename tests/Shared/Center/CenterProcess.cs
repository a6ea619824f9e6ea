using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Plugboard.Tests.Shared;

/// <summary>
/// A real center in its own OS process: <c>dotnet Plugboard.Server.dll --urls … --data …</c> on a 127.0.0.1 port with a
/// known admin token. It can be killed with SIGKILL (<see cref="KillAsync"/>) and started again on the same data folder
/// (<see cref="StartAsync"/>), on the same port or another one. Everything it writes is kept in <see cref="Log"/>.
/// </summary>
public sealed class CenterProcess : IAsyncDisposable
{
    public const string AdminToken = "pbt_e2e-admin-token-0123456789";

    private readonly string _serverAssembly;
    private readonly Dictionary<string, string> _settings;
    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <param name="serverAssembly">Plugboard.Server.dll in its build folder (beside its runtimeconfig.json and deps.json).</param>
    /// <param name="dataDirectory">The center's data folder: store, cache, contracts.</param>
    /// <param name="settings">Further settings, as configuration keys (<c>Plugboard:Hosts:StaleAfter</c>).</param>
    public CenterProcess(string serverAssembly, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        _serverAssembly = serverAssembly;
        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string>
        {
            ["Plugboard:Controller:ResyncInterval"] = "00:00:00.200",
            ["Plugboard:Controller:InitialBackoff"] = "00:00:00.200",
            ["Plugboard:Controller:MaxBackoff"] = "00:00:01",
            ["Plugboard:Hosts:SummaryInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }

        Port = FreePort.Next();
    }

    public string DataDirectory { get; }

    /// <summary>The port it listens on (the last one it was started on).</summary>
    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public bool Running => _process is { HasExited: false };

    /// <summary>What the center process wrote so far, over all its starts.</summary>
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

    /// <summary>Starts the center (on <paramref name="port"/>, else the port it had) and waits until <c>/readyz</c> answers.</summary>
    public async Task StartAsync(int? port = null)
    {
        if (Running)
        {
            throw new InvalidOperationException("The center process already runs.");
        }

        Port = port ?? Port;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DataDirectory,
        };
        foreach (var arg in new[] { _serverAssembly, "--urls", Url, "--data", DataDirectory })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PLUGBOARD_ADMIN_TOKEN"] = AdminToken;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning";
        foreach (var (key, value) in _settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process?.Dispose();
        Append($"--- center starting on {Url} ---");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"the center exited with {(process.HasExited ? process.ExitCode : 0)}:\n{Log}");
                try
                {
                    using var response = await http.GetAsync(Url + "/readyz");
                    return response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            () => $"the center never became ready:\n{Log}",
            TimeSpan.FromMinutes(2));
    }

    /// <summary>Kills the center with SIGKILL (no shutdown of any kind) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append("--- center killed (SIGKILL) ---");
        }
    }

    /// <summary>An HTTP client for this center with the admin token.</summary>
    public HttpClient Admin() => WithToken(AdminToken);

    /// <summary>An HTTP client for this center with <paramref name="token"/>.</summary>
    public HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
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
}
