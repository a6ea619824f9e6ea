using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Grpc.Core;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Security;
using Plugboard.Rpc.Protocol;

namespace Plugboard.Hosting.Rpc.Supervision;

/// <summary>
/// Supervises one process plugin: starts it with the handshake, checks its health, restarts it with exponential
/// backoff when it crashes or stops answering (calls fail at once with Unavailable meanwhile), and stops it
/// gracefully: Shutdown, then closing its stdin, then SIGTERM, then killing its process tree.
/// </summary>
public sealed class ProcessPluginConnection : RpcPluginConnection
{
    private readonly PluginCommand _command;
    private readonly string _directory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly X509Certificate2? _clientCertificate;
    private readonly RestartBackoff _backoff;
    private PluginProcess? _process;
    private Task? _supervision;
    private int _restarts;
    private int _stopped;
    private string? _killedBecause;

    /// <summary>Creates the supervisor of <paramref name="command"/> run in <paramref name="directory"/>; nothing starts until <see cref="StartAsync"/>.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="command">The program and arguments.</param>
    /// <param name="directory">The working directory (the plugin's folder).</param>
    /// <param name="options">The plugin's options.</param>
    /// <param name="logger">The plugin's logger.</param>
    /// <param name="timeProvider">The clock of health checks, restart backoff and timeouts; the system's by default.</param>
    public ProcessPluginConnection(string pluginId, PluginCommand command, string directory, RpcPluginOptions options, ILogger logger, TimeProvider? timeProvider = null)
        : base(pluginId, options, logger, timeProvider)
    {
        _backoff = new RestartBackoff(options);
        _command = command ?? throw new ArgumentNullException(nameof(command));
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _clientCertificate = options.AutoMutualTls ? EphemeralCertificate.Create("plugboard-host") : null;
    }

    /// <summary>The id of the running process, or null while there is none.</summary>
    public int? ProcessId => Volatile.Read(ref _process) is { IsRunning: true } process ? process.Id : null;

    /// <summary>How many times the process was restarted after a crash.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>
    /// The stdout lines the first process printed before its handshake line (a protocol violation the host tolerates up
    /// to <see cref="RpcPluginOptions.MaxNoiseLines"/>), the first few of <see cref="NoiseLineCount"/>.
    /// </summary>
    public IReadOnlyList<string> NoiseBeforeHandshake { get; private set; } = [];

    /// <summary>How many stdout lines the first process printed before its handshake line.</summary>
    public int NoiseLineCount { get; private set; }

    /// <summary>What it took to stop the process at <see cref="StopAsync"/>; null before.</summary>
    public PluginStopOutcome? StopOutcome { get; private set; }

    /// <summary>The command the plugin is started with.</summary>
    public PluginCommand Command => _command;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_supervision is not null)
        {
            throw new InvalidOperationException($"Plugin {PluginId} is already started.");
        }

        var (process, channel) = await LaunchAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _process, process);
        NoiseBeforeHandshake = process.NoiseBeforeHandshake;
        NoiseLineCount = process.NoiseLineCount;
        Publish(channel, RpcPluginState.Serving, null);
        _supervision = Task.Run(() => SuperviseAsync(process, channel, _stopping.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        var process = Volatile.Read(ref _process);
        if (process is { IsRunning: true })
        {
            try
            {
                // Calls still go through here: Shutdown is the last one.
                await new Plugin.PluginClient(CallInvoker)
                    .ShutdownAsync(new ShutdownRequest(), deadline: DateTime.UtcNow + Options.ShutdownTimeout, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                Logger.LogInformation("Plugin {PluginId} did not complete Shutdown ({Status}); stopping its process anyway.", PluginId, ex.Status);
            }
        }

        // Supervision (and its health checks, which call through the channel) ends before the channel is disposed.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_supervision is { } supervision)
        {
            await supervision.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Publish(null, RpcPluginState.Stopped, "stopped by the host");
        process = Volatile.Read(ref _process);
        if (process is not null)
        {
            StopOutcome = await process.StopAsync(Options.ShutdownGrace).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _process) is { } last)
        {
            await last.DisposeAsync().ConfigureAwait(false);
        }

        _clientCertificate?.Dispose();
    }

    private async Task<(PluginProcess Process, PluginChannel Channel)> LaunchAsync(CancellationToken cancellationToken)
    {
        var pem = _clientCertificate is null ? null : EphemeralCertificate.ToPem(_clientCertificate);
        var process = await PluginProcess.StartAsync(PluginId, _command, _directory, Options, pem, Logger, Time, cancellationToken).ConfigureAwait(false);
        try
        {
            var tls = process.Handshake.ServerCertificate is { } der && _clientCertificate is not null
                ? new PluginChannelTls
                {
                    ClientCertificate = _clientCertificate,
                    TrustedCertificateAuthorities = [X509CertificateLoader.LoadCertificate(der)],
                    TargetHost = "localhost",
                }
                : null;
            var channel = PluginChannel.ForEndpoint(process.Handshake.Line.Endpoint, CreateChannelSettings(tls));
            return (process, channel);
        }
        catch (Exception ex)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw new PluginStartException($"{PluginId}: cannot connect to {process.Handshake.Line.Endpoint}: {ex.Message}", ex);
        }
    }

    private async Task SuperviseAsync(PluginProcess process, PluginChannel channel, CancellationToken stopping)
    {
        var crashesInARow = 0;
        while (!stopping.IsCancellationRequested)
        {
            using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var health = RunHealthChecksAsync(channel.Invoker, problem => OnUnhealthy(process, problem), running.Token);
            try
            {
                await process.Exited.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await running.CancelAsync().ConfigureAwait(false);
                await health.ConfigureAwait(false);
                return;
            }

            await running.CancelAsync().ConfigureAwait(false);
            await health.ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            crashesInARow = Time.GetUtcNow() - process.StartedAt >= Options.RestartBackoffReset ? 1 : crashesInARow + 1;
            var killedBecause = Interlocked.Exchange(ref _killedBecause, null);
            var what = killedBecause is null
                ? $"its process (pid {process.Id}) {process.ExitSummary()}"
                : $"its process (pid {process.Id}) stopped answering its health checks ({killedBecause}) and was killed";
            var delay = _backoff.Delay(crashesInARow);
            var reason = $"{what}; restarting it in {Describe(delay)} (restart {Restarts + 1})";
            Publish(null, RpcPluginState.Restarting, reason);
            Logger.LogError("Plugin {PluginId} crashed: its process (pid {Pid}) {Exit} Restarting it.", PluginId, process.Id, process.DescribeExit());
            await process.DisposeAsync().ConfigureAwait(false);

            var next = await RestartAsync(crashesInARow, delay, stopping).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            (process, channel) = next.Value;
        }
    }

    private async Task<(PluginProcess, PluginChannel)?> RestartAsync(int crashesInARow, TimeSpan delay, CancellationToken stopping)
    {
        var attempt = crashesInARow;
        while (true)
        {
            try
            {
                await Task.Delay(delay, Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            try
            {
                var (process, channel) = await LaunchAsync(stopping).ConfigureAwait(false);
                Volatile.Write(ref _process, process);
                if (Reinitialize is { } reinitialize)
                {
                    try
                    {
                        using var callTimeout = new CancellationTokenSource(Options.CallTimeout, Time);
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping, callTimeout.Token);
                        await reinitialize(channel.Invoker, timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is RpcException or OperationCanceledException && !stopping.IsCancellationRequested)
                    {
                        channel.Dispose();
                        await process.StopAsync(Options.ShutdownGrace).ConfigureAwait(false);
                        await process.DisposeAsync().ConfigureAwait(false);
                        throw new PluginStartException($"{PluginId}: the restarted process failed Init: {ex.Message}", ex);
                    }
                }

                Interlocked.Increment(ref _restarts);
                if (stopping.IsCancellationRequested)
                {
                    channel.Dispose();
                    return null;
                }

                Publish(channel, RpcPluginState.Serving, null);
                Logger.LogInformation("Plugin {PluginId} restarted (pid {Pid}) after {Delay}.", PluginId, process.Id, delay);
                return (process, channel);
            }
            catch (PluginStartException ex)
            {
                attempt++;
                delay = _backoff.Delay(attempt);
                SetState(RpcPluginState.Restarting, $"{ex.Message}; trying again in {Describe(delay)} (restart {Restarts + 1})");
                Logger.LogError("Plugin {PluginId} could not be restarted: {Message}", PluginId, ex.Message);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private void OnUnhealthy(PluginProcess process, string problem)
    {
        Logger.LogError("Plugin {PluginId}: {Problem}; killing its process (pid {Pid}) to restart it.", PluginId, problem, process.Id);
        Volatile.Write(ref _killedBecause, problem);
        process.Kill();
    }

    private static string Describe(TimeSpan delay) =>
        delay < TimeSpan.FromSeconds(1)
            ? $"{delay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
            : $"{delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
}
