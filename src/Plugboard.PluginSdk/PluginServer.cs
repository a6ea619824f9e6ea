using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.PluginSdk.Handshake;
using Plugboard.PluginSdk.Lifecycle;
using Plugboard.PluginSdk.Logging;
using Plugboard.Rpc;
using Plugboard.Rpc.Handshake;
using Plugboard.Rpc.Health;
using Plugboard.Rpc.Plugin;
using Plugboard.Rpc.Server;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.PluginSdk;

/// <summary>
/// Runs a C# process plugin. Call it from <c>Main</c>:
/// <code>
/// return await PluginServer.RunAsync(args, plugin =&gt; plugin
///     .AddPlugin&lt;MyDataSource&gt;()
///     .AddService("usersync.v1.DataSource", (rpc, services) =&gt; rpc.AddDataSourceService(services.GetRequiredService&lt;MyDataSource&gt;())));
/// </code>
/// Started by a host, it checks the magic cookie, listens where the handshake says (a unix socket, or loopback
/// TCP in the offered port range; TLS when the host asks for mutual TLS), prints the handshake line on stdout,
/// logs on stderr, serves health and the plugin lifecycle, and exits on SIGTERM or when its stdin closes (the host
/// stops it, or is gone). With <c>--listen ADDRESS</c> it runs on its own instead, for the
/// endpoint runtime (a container): <c>--listen grpc://0.0.0.0:5000</c> or <c>--listen unix:///run/plugin.sock</c>.
/// </summary>
public static class PluginServer
{
    /// <summary>The option that runs the plugin as a standalone service.</summary>
    public const string ListenOption = "--listen";

    /// <summary>Runs the plugin until the host stops it; returns the process exit code.</summary>
    /// <param name="args">The program's arguments (only <c>--listen ADDRESS</c> is read).</param>
    /// <param name="configure">Registers the plugin class and its contract services.</param>
    /// <param name="cancellationToken">Stops the plugin, as Shutdown would.</param>
    public static async Task<int> RunAsync(string[] args, Action<PluginServerBuilder> configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configure);
        var listen = ReadListenOption(args);
        var handshake = HandshakeEnvironment.Read();
        if (listen is null && !handshake.HasCookie)
        {
            await Console.Error.WriteLineAsync(
                "This program is a Plugboard plugin: a Plugboard host starts it and talks to it over gRPC; it is not meant to be run by hand. " +
                $"(It runs under a host when {PluginHandshake.MagicCookieKey} is set.) To run it as a standalone service for the endpoint runtime, pass {ListenOption} grpc://0.0.0.0:5000 (or unix:///path/to.sock).").ConfigureAwait(false);
            return 1;
        }

        if (listen is null && handshake.ChosenVersion is null)
        {
            await Console.Error.WriteLineAsync(
                $"This plugin speaks Plugboard app protocol version {string.Join(", ", HandshakeEnvironment.SupportedVersions)}, but the host offers only " +
                $"{handshake.OfferedVersions} ({PluginHandshake.ProtocolVersionsVariable}). Use a plugin version built for this host.").ConfigureAwait(false);
            return 1;
        }

        var builder = new PluginServerBuilder();
        // stdout carries the handshake: every log line goes to stderr, in the hclog JSON the host reads levels from.
        builder.Services.AddLogging(logging => logging
            .AddProvider(new StderrJsonLoggerProvider())
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning));
        configure(builder);

        await using var services = builder.Services.BuildServiceProvider();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger("Plugboard.PluginSdk");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });

        var health = new HealthService();
        var lifecycle = new PluginLifecycleService(services.GetService<IPlugin>(), loggers, stop.Token);
        var rpc = new RpcServiceBuilder().AddPluginService(lifecycle).AddHealthService(health);
        foreach (var (name, map) in builder.ContractServices)
        {
            map(rpc, services);
        }

        using var certificate = listen is null && handshake.ClientCertificatePem is not null ? ServerCertificate.Create() : null;
        RpcServer server;
        try
        {
            server = listen is null
                ? await StartManagedAsync(builder.ServerOptions, rpc, handshake, certificate, loggers, stop.Token).ConfigureAwait(false)
                : await StartStandaloneAsync(builder.ServerOptions, rpc, listen, loggers, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"The plugin could not listen: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            health.SetStatus(string.Empty, ServingStatus.Serving);
            foreach (var (name, _) in builder.ContractServices)
            {
                health.SetStatus(name, ServingStatus.Serving);
            }

            if (listen is null)
            {
                var line = HandshakeLine.ForGrpc(server.Endpoint, handshake.ChosenVersion!.Value).ToString();
                if (certificate is not null)
                {
                    line += "|" + Convert.ToBase64String(certificate.RawData).TrimEnd('=');
                }

                await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
                await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                WatchStdin(logger, () => stop.Cancel());
            }
            else
            {
                logger.LogInformation("Serving on {Address}.", server.Address);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop.
            }

            foreach (var (name, _) in builder.ContractServices)
            {
                health.SetStatus(name, ServingStatus.NotServing);
            }

            health.SetStatus(string.Empty, ServingStatus.NotServing);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await lifecycle.DisposePluginAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<RpcServer> StartManagedAsync(
        RpcServerOptions options, RpcServiceBuilder rpc, HandshakeEnvironment handshake, X509Certificate2? certificate, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        options.LoggerFactory ??= loggers;
        if (certificate is not null)
        {
            options.Tls = new RpcServerTlsOptions
            {
                ServerCertificate = certificate,
                ClientCertificateAuthorities = [X509Certificate2.CreateFromPem(handshake.ClientCertificatePem!)],
            };
        }

        if (handshake.UnixSocketDirectory is { } directory)
        {
            options.UnixSocketPath = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"plugin-{Environment.ProcessId}.sock"));
            var server = new RpcServer(options, rpc);
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }

        // Loopback TCP in the host's port range, starting at a random port so plugins started together rarely collide.
        var low = Math.Min(handshake.MinPort, handshake.MaxPort);
        var high = Math.Max(handshake.MinPort, handshake.MaxPort);
        var count = high - low + 1;
        var start = Random.Shared.Next(count);
        IOException? last = null;
        for (var i = 0; i < Math.Min(count, 50); i++)
        {
            options.TcpAddress = IPAddress.Loopback;
            options.TcpPort = low + ((start + i) % count);
            var server = new RpcServer(options, rpc);
            try
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (IOException ex)
            {
                last = ex;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw new IOException($"no free loopback port in {low}-{high} (PLUGIN_MIN_PORT/PLUGIN_MAX_PORT): {last?.Message}", last);
    }

    private static async Task<RpcServer> StartStandaloneAsync(
        RpcServerOptions options, RpcServiceBuilder rpc, string listen, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        options.LoggerFactory ??= loggers;
        if (listen.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            options.UnixSocketPath = listen.StartsWith("unix://", StringComparison.OrdinalIgnoreCase) ? listen["unix://".Length..] : listen["unix:".Length..];
        }
        else
        {
            var authority = listen.Contains("://", StringComparison.Ordinal) ? listen : "grpc://" + listen;
            if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Port <= 0)
            {
                throw new FormatException($"'{listen}' is not an address to listen on; use grpc://0.0.0.0:5000, 127.0.0.1:5000 or unix:///path/to.sock");
            }

            options.TcpAddress = uri.Host is "*" or "+" ? IPAddress.Any : IPAddress.Parse(uri.Host.Trim('[', ']'));
            options.TcpPort = uri.Port;
        }

        var server = new RpcServer(options, rpc);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    // The host keeps our stdin open while it lives: end of input means it is gone, and a plugin must not outlive it.
    private static void WatchStdin(ILogger logger, Action stop) =>
        _ = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    using var stdin = Console.OpenStandardInput();
                    var buffer = new byte[256];
                    while (stdin.Read(buffer, 0, buffer.Length) > 0)
                    {
                    }
                }
                catch (IOException)
                {
                    // A broken pipe is an end of input too.
                }

                logger.LogInformation("stdin closed: the host is stopping this plugin, or is gone; stopping.");
                stop();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static string? ReadListenOption(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == ListenOption && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(ListenOption + "=", StringComparison.Ordinal))
            {
                return args[i][(ListenOption.Length + 1)..];
            }
        }

        return Environment.GetEnvironmentVariable("PLUGBOARD_PLUGIN_LISTEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }
}
