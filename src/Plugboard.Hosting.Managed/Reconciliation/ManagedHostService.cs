using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plugboard.Hosting.Managed;

/// <summary>
/// The managed host's loop. Before any hosted service starts it takes up the last saved state (no network), so the
/// host's start loads what it ran last. Then: register → report → watch (a long poll that resumes from the revision it
/// has) → apply each change, save it, report → heartbeat. While the center is unreachable the plugins keep running and
/// the loop retries with exponential backoff and jitter, on the host's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ManagedHostService : BackgroundService, IHostedLifecycleService
{
    private readonly PluginHost _host;
    private readonly ManagedHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ManagedHostService> _logger;
    private readonly LocalState _state;
    private readonly HttpClient _http;
    private readonly CenterClient _center;

    public ManagedHostService(PluginHost host, IOptions<ManagedHostOptions> options, TimeProvider time, ILogger<ManagedHostService> logger)
    {
        _host = host;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var directory = _options.ResolvedStateDirectory;
        _state = new LocalState(directory);
        Plugins = new ManagedPlugins(host, directory, logger);
        var token = string.IsNullOrWhiteSpace(_options.Token) ? File.ReadAllText(_options.TokenFile!).Trim() : _options.Token;
        var baseAddress = _options.Url!.ToString().EndsWith('/') ? _options.Url : new Uri(_options.Url + "/");
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = _options.WatchWait + TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _center = new CenterClient(_http, _options.ResolvedName);
    }

    /// <summary>What the host applies.</summary>
    public ManagedPlugins Plugins { get; }

    /// <summary>Whether the center answered the last request.</summary>
    public bool Connected { get; private set; }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _state.ReadAsync(cancellationToken).ConfigureAwait(false) is { } saved)
            {
                Plugins.Restore(saved);
                _logger.LogInformation("Managed host {HostName}: starting from its saved state (revision {Revision}, {Count} installation(s)) before contacting the center",
                    _options.ResolvedName, saved.Desired.Revision, saved.Desired.Installations.Count);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            _logger.LogError("Managed host {HostName}: the saved state could not be read ({Reason}); starting empty until the center answers", _options.ResolvedName, ex.Message);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = _options.InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunConnectedAsync(() => backoff = _options.InitialBackoff, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever failed (the center away or refusing, a bad answer, a disk error), the plugins keep running.
                Connected = false;
                var delay = Jittered(backoff);
                if (ex is HttpRequestException or TaskCanceledException or IOException or CenterRefusedException)
                {
                    _logger.LogWarning("Managed host {HostName}: {Reason}; plugins keep running, retrying in {Delay}", _options.ResolvedName, ex.Message, delay);
                }
                else
                {
                    _logger.LogError(ex, "Managed host {HostName}: reconciling failed; plugins keep running, retrying in {Delay}", _options.ResolvedName, delay);
                }

                backoff = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, backoff.Ticks * 2));
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunConnectedAsync(Action connected, CancellationToken cancellationToken)
    {
        await RegisterAsync(cancellationToken).ConfigureAwait(false);
        Connected = true;
        connected();
        await _center.ReportAsync(Plugins.Report(), cancellationToken).ConfigureAwait(false);
        var lastBeat = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var untilBeat = _options.HeartbeatInterval - (_time.GetUtcNow() - lastBeat);
            var wait = untilBeat < _options.WatchWait ? untilBeat : _options.WatchWait;
            var desired = await _center.WatchAsync(Plugins.Desired?.Revision, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, cancellationToken).ConfigureAwait(false);
            if (desired is not null)
            {
                _logger.LogInformation("Managed host {HostName}: desired state {Revision} ({Count} installation(s))", _options.ResolvedName, desired.Revision, desired.Installations.Count);
                await Plugins.ApplyAsync(desired, _center.DownloadAsync, cancellationToken).ConfigureAwait(false);
                await _state.WriteAsync(new HostState(desired, new Dictionary<string, long>(Plugins.Applied, StringComparer.Ordinal)), cancellationToken).ConfigureAwait(false);
                await _center.ReportAsync(Plugins.Report(), cancellationToken).ConfigureAwait(false);
                lastBeat = _time.GetUtcNow();
            }
            else if (_time.GetUtcNow() - lastBeat >= _options.HeartbeatInterval)
            {
                await RegisterAsync(cancellationToken).ConfigureAwait(false);
                await _center.ReportAsync(Plugins.Report(), cancellationToken).ConfigureAwait(false);
                lastBeat = _time.GetUtcNow();
            }
        }
    }

    private Task RegisterAsync(CancellationToken cancellationToken)
    {
        var runtimes = _options.Runtimes.Count > 0 ? _options.Runtimes.ToList() : ["assembly"];
        var contracts = _host.Statuses.SelectMany(s => s.Contracts).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var version = typeof(PluginHost).Assembly.GetName().Version?.ToString() ?? "unknown";
        return _center.RegisterAsync(_options.Scope!, runtimes, contracts, version, cancellationToken);
    }

    // Full jitter on the upper half: many hosts that lost the same center do not come back in step.
    private static TimeSpan Jittered(TimeSpan backoff) =>
        TimeSpan.FromTicks(backoff.Ticks / 2 + (long)(Random.Shared.NextDouble() * (backoff.Ticks / 2)));
}
