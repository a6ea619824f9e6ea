using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Handshake;
using Plugboard.Rpc;
using Plugboard.Rpc.Handshake;

namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>
/// One started plugin process: it is given the handshake environment, its stdout is read until the
/// handshake line, and afterwards both its stdout and stderr go to the host's logger. The host keeps a pipe to
/// its stdin open for as long as it lives: a plugin must exit when its stdin closes, so it never outlives the host.
/// </summary>
public sealed class PluginProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _pluginId;
    private readonly ILogger _logger;
    private readonly StderrTail _stderr;
    private readonly Task _stderrPump;
    private readonly string? _socketDirectory;
    private Task? _stdoutPump;
    private PluginWatchdog? _watchdog;
    private string? _strayedSocket;
    private int _disposed;

    private readonly TimeProvider _time;
    private readonly List<string> _noise = [];

    private PluginProcess(Process process, string pluginId, ILogger logger, int stderrLines, string? socketDirectory, TimeProvider time)
    {
        _time = time;
        _process = process;
        _pluginId = pluginId;
        _logger = logger;
        _socketDirectory = socketDirectory;
        _stderr = new StderrTail(stderrLines);
        StartedAt = time.GetUtcNow();
        Exited = WaitForExitAsync();
        _stderrPump = PumpStderrAsync();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The stdout lines the plugin printed before its handshake line (the protocol says it must print none), the first few kept.</summary>
    public IReadOnlyList<string> NoiseBeforeHandshake => _noise;

    /// <summary>How many stdout lines the plugin printed before its handshake line.</summary>
    public int NoiseLineCount { get; private set; }

    /// <summary>What the plugin answered in its handshake.</summary>
    public PluginAnswer Handshake { get; private set; } = null!;

    /// <summary>When the process was started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes with the exit code when the process exits.</summary>
    public Task<int> Exited { get; }

    /// <summary>Whether the process is still running.</summary>
    public bool IsRunning => !Exited.IsCompleted;

    /// <summary>The last lines the plugin wrote on stderr, oldest first.</summary>
    public IReadOnlyList<string> LastStderrLines => _stderr.Lines;

    /// <summary>
    /// Starts <paramref name="command"/> in <paramref name="directory"/> and waits for its handshake line.
    /// </summary>
    /// <exception cref="PluginStartException">The process could not start, exited first, timed out, or answered what the host does not speak.</exception>
    public static Task<PluginProcess> StartAsync(
        string pluginId, PluginCommand command, string directory, RpcPluginOptions options, string? clientCertificatePem, ILogger logger, CancellationToken cancellationToken)
        => StartAsync(pluginId, command, directory, options, clientCertificatePem, logger, TimeProvider.System, cancellationToken);

    /// <summary>
    /// Starts <paramref name="command"/> in <paramref name="directory"/> and waits for its handshake line, timing the start with <paramref name="time"/>.
    /// </summary>
    /// <exception cref="PluginStartException">The process could not start, exited first, timed out, or answered what the host does not speak.</exception>
    public static async Task<PluginProcess> StartAsync(
        string pluginId, PluginCommand command, string directory, RpcPluginOptions options, string? clientCertificatePem, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        var socketDirectory = options.Transport == PluginTransport.UnixSocket
            ? Directory.CreateTempSubdirectory("pb-").FullName
            : null;
        var info = new ProcessStartInfo(command.Program)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in options.Environment)
        {
            info.Environment[key] = value;
        }

        info.Environment[PluginHandshake.MagicCookieKey] = PluginHandshake.MagicCookieValue;
        info.Environment[PluginHandshake.ProtocolVersionsVariable] = PluginHandshake.AppProtocolVersion.ToString(CultureInfo.InvariantCulture);
        info.Environment[PluginHandshake.MinPortVariable] = options.MinPort.ToString(CultureInfo.InvariantCulture);
        info.Environment[PluginHandshake.MaxPortVariable] = options.MaxPort.ToString(CultureInfo.InvariantCulture);
        info.Environment.Remove(PluginHandshake.UnixSocketDirectoryVariable);
        info.Environment.Remove(PluginAnswer.ClientCertVariable);
        if (socketDirectory is not null)
        {
            info.Environment[PluginHandshake.UnixSocketDirectoryVariable] = socketDirectory;
        }

        if (clientCertificatePem is not null)
        {
            info.Environment[PluginAnswer.ClientCertVariable] = clientCertificatePem;
        }

        var process = new Process { StartInfo = info };
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException("the operating system started no process");
            }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            DeleteDirectory(socketDirectory);
            throw new PluginStartException(
                $"{pluginId}: could not start '{command}' in {directory}: {ex.Message}. Check the manifest's entry and that the program is installed (and executable).", ex);
        }

        var plugin = new PluginProcess(process, pluginId, logger, options.StderrLinesKept, socketDirectory, time);
        RunningPlugins.Add(plugin);
        plugin._watchdog = PluginWatchdog.Start(process.Id, socketDirectory);
        try
        {
            plugin.Handshake = await plugin.ReadHandshakeAsync(command, options, clientCertificatePem is not null, cancellationToken).ConfigureAwait(false);
            plugin.TakeChargeOfStrayedSocket();
            plugin._stdoutPump = plugin.PumpStdoutAsync();
            return plugin;
        }
        catch
        {
            await plugin.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops the process: closes its stdin (a plugin must exit then) and waits a moment, sends SIGTERM and waits
    /// <paramref name="grace"/>, then kills its whole process tree. Call the plugin's Shutdown before this.
    /// </summary>
    /// <returns>What it took to stop the process.</returns>
    public async Task<PluginStopOutcome> StopAsync(TimeSpan grace)
    {
        if (!IsRunning)
        {
            return PluginStopOutcome.AlreadyExited;
        }

        CloseStdin();
        if (await ExitsWithinAsync(grace < TimeSpan.FromSeconds(1) ? grace : TimeSpan.FromSeconds(1)).ConfigureAwait(false))
        {
            return PluginStopOutcome.ExitedWhenStdinClosed;
        }

        Signals.Terminate(Id);
        if (await ExitsWithinAsync(grace).ConfigureAwait(false))
        {
            return PluginStopOutcome.ExitedOnSigterm;
        }

        _logger.LogWarning("Plugin {PluginId} (pid {Pid}) did not stop within {Grace}; killing its process tree.", _pluginId, Id, grace);
        Kill();
        await ExitsWithinAsync(grace).ConfigureAwait(false);
        return PluginStopOutcome.Killed;
    }

    /// <summary>Kills the process and every process it started, at once.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Kills the process if it still runs, releases its pipes and removes its socket folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RunningPlugins.Remove(this);
        if (IsRunning)
        {
            Kill();
        }

        await ExitsWithinAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _watchdog?.Dispose();
        await Task.WhenAny(Task.WhenAll(_stderrPump, _stdoutPump ?? Task.CompletedTask), Task.Delay(TimeSpan.FromSeconds(2), _time, CancellationToken.None)).ConfigureAwait(false);
        _process.Dispose();
        DeleteDirectory(_socketDirectory);
        if (_strayedSocket is not null && !IsRunning)
        {
            try
            {
                File.Delete(_strayedSocket);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Plugin {PluginId}: could not remove its socket {Socket}: {Message}", _pluginId, _strayedSocket, ex.Message);
            }
        }
    }

    /// <summary>
    /// A plugin that ignored <c>PLUGIN_UNIX_SOCKET_DIR</c> (go-plugin makes its socket in the system's temporary folder)
    /// leaves its socket behind when it is killed: the host removes it once the process is gone, and the watchdog does
    /// if the host dies first. Only a socket something listens on, so a wrong address never makes the host delete a file.
    /// </summary>
    private void TakeChargeOfStrayedSocket()
    {
        var endpoint = Handshake.Line.Endpoint;
        if (endpoint.Network != RpcEndpoint.UnixNetwork || !Path.IsPathFullyQualified(endpoint.Address))
        {
            return;
        }

        var path = Path.GetFullPath(endpoint.Address);
        if (_socketDirectory is not null && path.StartsWith(_socketDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return;
        }

        if (PluginWatchdog.IsListeningSocket(path))
        {
            _strayedSocket = path;
            _watchdog?.RemoveOnHostDeath(path);
            _logger.LogDebug("Plugin {PluginId} listens on {Socket}, outside {SocketDirectory}; the host removes it when the process is gone.", _pluginId, path, _socketDirectory);
        }
    }

    /// <summary>Describes how the process ended, with its last stderr lines, for error messages.</summary>
    public string DescribeExit() => ExitSummary() + "." + StderrSuffix();

    /// <summary>How the process ended, in a few words (e.g. <c>exited with code 3</c>).</summary>
    public string ExitSummary() => Exited.IsCompletedSuccessfully ? $"exited with code {Exited.Result}" : "stopped";

    private async Task<PluginAnswer> ReadHandshakeAsync(PluginCommand command, RpcPluginOptions options, bool expectCertificate, CancellationToken cancellationToken)
    {
        using var startTimeout = new CancellationTokenSource(options.StartTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, startTimeout.Token);
        var noise = 0;
        while (true)
        {
            string? line;
            try
            {
                line = await _process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new PluginStartException(
                    $"{_pluginId}: '{command}' printed no handshake line within {options.StartTimeout.TotalSeconds:0.#} s (pid {Id}). " +
                    $"A plugin must print '{HandshakeLine.ForGrpc(RpcEndpoint.Unix("/path/to.sock"))}' on stdout once it listens; " +
                    $"raise RpcPluginOptions.StartTimeout if it starts slowly.{StderrSuffix()}");
            }

            if (line is null)
            {
                await ExitsWithinAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                await Task.WhenAny(_stderrPump, Task.Delay(TimeSpan.FromSeconds(2), _time, CancellationToken.None)).ConfigureAwait(false);
                throw new PluginStartException(
                    $"{_pluginId}: '{command}' {ExitSummary()} before its handshake. Run it by hand with {PluginHandshake.MagicCookieKey}={PluginHandshake.MagicCookieValue} set to see why.{StderrSuffix()}");
            }

            if (!PluginAnswer.TryParse(line, out var handshake, out var problem))
            {
                if (++noise > options.MaxNoiseLines)
                {
                    throw new PluginStartException(
                        $"{_pluginId}: '{command}' printed {noise} lines on stdout without a handshake line ({problem} in the last one: '{Shorten(line)}'). " +
                        "Plugins must log on stderr and print only the handshake line on stdout.");
                }

                _logger.LogWarning("Plugin {PluginId}: ignoring stdout line before the handshake ({Problem}): {Line}", _pluginId, problem, Shorten(line));
                NoiseLineCount = noise;
                if (_noise.Count < 5)
                {
                    _noise.Add(Shorten(line));
                }

                continue;
            }

            Check(handshake!, command, expectCertificate);
            _logger.LogInformation("Plugin {PluginId} (pid {Pid}) listens on {Network} {Address}.", _pluginId, Id, handshake!.Line.Endpoint.Network, handshake.Line.Endpoint.Address);
            return handshake;
        }
    }

    private void Check(PluginAnswer answer, PluginCommand command, bool expectCertificate)
    {
        var handshake = answer.Line;
        string? problem = null;
        if (handshake.CoreProtocolVersion != PluginHandshake.CoreProtocolVersion)
        {
            problem = $"it speaks handshake (core) protocol version {handshake.CoreProtocolVersion}, the host speaks {PluginHandshake.CoreProtocolVersion}";
        }
        else if (handshake.AppProtocolVersion != PluginHandshake.AppProtocolVersion)
        {
            problem = $"it chose app protocol version {handshake.AppProtocolVersion}, the host offered only {PluginHandshake.AppProtocolVersion} ({PluginHandshake.ProtocolVersionsVariable}); use a plugin version built for this host";
        }
        else if (!string.Equals(handshake.Protocol, PluginHandshake.GrpcProtocol, StringComparison.Ordinal))
        {
            problem = $"it speaks '{handshake.Protocol}', the host speaks only '{PluginHandshake.GrpcProtocol}'";
        }
        else if (expectCertificate && answer.ServerCertificate is null)
        {
            problem = $"the host asked for automatic mutual TLS ({PluginAnswer.ClientCertVariable}) but the plugin sent no server certificate in a sixth field";
        }

        if (problem is not null)
        {
            throw new PluginStartException($"{_pluginId}: '{command}' answered the handshake '{handshake}', which this host cannot use: {problem}.");
        }
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                _logger.LogInformation("[{PluginId} stdout] {Line}", _pluginId, line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe closed with the process.
        }
    }

    private async Task PumpStderrAsync()
    {
        await Task.Yield();
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                var (level, message) = StderrLine.Read(line);
                _stderr.Add(message);
                _logger.Log(level, "[{PluginId}] {Line}", _pluginId, message);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe closed with the process.
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    private async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        await Task.WhenAny(Exited, Task.Delay(timeout, _time, CancellationToken.None)).ConfigureAwait(false);
        return Exited.IsCompleted;
    }

    private void CloseStdin()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The process is gone already.
        }
    }

    private string StderrSuffix() => _stderr.Lines.Count == 0
        ? " It wrote nothing on stderr."
        : $" Its last stderr lines:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", _stderr.Lines)}";

    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + "…";

    private static void DeleteDirectory(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless; the OS cleans it.
        }
    }

    /// <summary>The last few stderr lines, kept for error messages.</summary>
    private sealed class StderrTail(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return _lines.ToList();
                }
            }
        }

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > Math.Max(capacity, 1))
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}
