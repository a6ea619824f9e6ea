using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plugboard.PluginSdk.Handshake;
using Plugboard.PluginSdk.Lifecycle;
using Plugboard.PluginSdk.Logging;
using Plugboard.Rpc;
using Plugboard.Rpc.Handshake;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.PluginSdk;

/// <summary>
/// Runs a C# process plugin on Grpc.AspNetCore. Call it from <c>Main</c>:
/// <code>
/// return await PluginServer.RunAsync(args, plugin =&gt; plugin
///     .AddPlugin&lt;MyPlugin&gt;()
///     .AddGrpcService&lt;MyDataSourceService&gt;());   // class MyDataSourceService : DataSource.DataSourceBase
/// </code>
/// Started by a host, it checks the magic cookie, listens where the handshake says (a unix socket, or loopback TCP in
/// the offered port range; TLS when the host asks for mutual TLS), prints the handshake line on stdout, logs on stderr,
/// serves the standard health service and the plugin lifecycle, and exits on SIGTERM or when its stdin closes (the
/// host stops it, or is gone). With <c>--listen ADDRESS</c> it runs on its own instead, for the endpoint runtime (a
/// container): <c>--listen grpc://0.0.0.0:5000</c> or <c>--listen unix:///run/plugin.sock</c>.
/// </summary>
public static class PluginServer
{
    /// <summary>The option that runs the plugin as a standalone service.</summary>
    public const string ListenOption = "--listen";

    private const int MaxMessageSize = 4 * 1024 * 1024;

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

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var certificate = listen is null && handshake.ClientCertificatePem is not null ? ServerCertificate.Create() : null;
        using var hostCertificate = certificate is null ? null : X509Certificate2.CreateFromPem(handshake.ClientCertificatePem!);

        IReadOnlyList<RpcEndpoint> candidates;
        try
        {
            candidates = listen is null ? ManagedEndpoints(handshake) : [StandaloneEndpoint(listen)];
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"The plugin could not listen: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        WebApplication? app = null;
        RpcEndpoint? endpoint = null;
        Exception? lastFailure = null;
        foreach (var candidate in candidates)
        {
            try
            {
                app = await StartAsync(candidate, configure, certificate, hostCertificate, stop.Token).ConfigureAwait(false);
                endpoint = candidate;
                break;
            }
            catch (IOException ex)
            {
                // The port is taken: try the next one.
                lastFailure = ex;
            }
        }

        if (app is null || endpoint is null)
        {
            await Console.Error.WriteLineAsync($"The plugin could not listen on {Describe(candidates)}: {lastFailure?.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (app.ConfigureAwait(false))
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Plugboard.PluginSdk");
            var health = app.Services.GetRequiredService<HealthServiceImpl>();
            var names = app.Services.GetRequiredService<ContractServiceNames>().Names;

            using var stopping = app.Lifetime.ApplicationStopping.Register(stop.Cancel);
            if (listen is null)
            {
                var line = HandshakeLine.ForGrpc(endpoint, handshake.ChosenVersion!.Value).ToString();
                if (certificate is not null)
                {
                    line += "|" + Convert.ToBase64String(certificate.RawData).TrimEnd('=');
                }

                await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
                await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                WatchStdin(logger, stop.Cancel);
            }
            else
            {
                logger.LogInformation("Serving on {Address}.", endpoint.ToChannelAddress());
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop.
            }

            foreach (var name in names)
            {
                health.SetStatus(name, ServingStatus.NotServing);
            }

            health.SetStatus(string.Empty, ServingStatus.NotServing);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(grace.Token).ConfigureAwait(false);
            await app.Services.GetRequiredService<PluginLifecycleService>().DisposePluginAsync().ConfigureAwait(false);
        }

        if (endpoint.Network == RpcEndpoint.UnixNetwork)
        {
            File.Delete(endpoint.Address);
        }

        return 0;
    }

    /// <summary>
    /// Builds and starts the plugin's gRPC server on <paramref name="endpoint"/> (what <see cref="RunAsync"/> does before the
    /// handshake; the tests and the benchmark serve in-process through it): Kestrel, HTTP/2 only, TLS that requires
    /// <paramref name="hostCertificate"/> when <paramref name="certificate"/> is given, the lifecycle and health services and
    /// the plugin's contract services; SERVING on the health service for the server and each contract service.
    /// </summary>
    /// <exception cref="IOException">The endpoint is taken.</exception>
    internal static async Task<WebApplication> StartAsync(
        RpcEndpoint endpoint, Action<PluginServerBuilder> configure, X509Certificate2? certificate, X509Certificate2? hostCertificate, CancellationToken stopping)
    {
        var app = Build(endpoint, configure, certificate, hostCertificate, stopping);
        try
        {
            await app.StartAsync(stopping).ConfigureAwait(false);
            var health = app.Services.GetRequiredService<HealthServiceImpl>();
            health.SetStatus(string.Empty, ServingStatus.Serving);
            foreach (var name in app.Services.GetRequiredService<ContractServiceNames>().Names)
            {
                health.SetStatus(name, ServingStatus.Serving);
            }

            return app;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static WebApplication Build(
        RpcEndpoint endpoint, Action<PluginServerBuilder> configure, X509Certificate2? certificate, X509Certificate2? hostCertificate, CancellationToken stopping)
    {
        // The empty builder with Kestrel's core and routing's core only: no configuration sources, no default logging, no
        // console lifetime (the SDK handles SIGTERM itself) — less to load and run before the handshake.
        var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        web.WebHost.UseKestrelCore();
        web.Services.AddRoutingCore();

        // stdout carries the handshake: every log line goes to stderr, in the hclog JSON the host reads levels from.
        web.Logging.ClearProviders();
        web.Services.AddSingleton<ILoggerProvider, StderrJsonLoggerProvider>();
        web.Logging.SetMinimumLevel(LogLevel.Information);
        web.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (certificate is not null)
        {
            web.WebHost.UseKestrelHttpsConfiguration();
        }

        web.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = (client, _, errors) =>
                            CertificateTrust.IsTrusted(client, errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, [hostCertificate!], checkName: false),
                    });
                }
            }

            if (endpoint.Network == RpcEndpoint.UnixNetwork)
            {
                kestrel.ListenUnixSocket(endpoint.Address, Configure);
            }
            else
            {
                var ip = IPEndPoint.Parse(endpoint.Address);
                kestrel.Listen(ip, Configure);
            }
        });

        var builder = new PluginServerBuilder(web.Services);
        configure(builder);
        web.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageSize;
            options.MaxSendMessageSize = MaxMessageSize;
            foreach (var adjust in builder.GrpcOptions)
            {
                adjust(options);
            }
        });
        web.Services.AddSingleton<HealthServiceImpl>();
        web.Services.AddSingleton(new PluginStopping(stopping));
        web.Services.AddSingleton<PluginLifecycleService>();
        web.Services.AddSingleton(new ContractServiceNames([.. builder.ContractServices.Select(s => s.Name)]));

        var app = web.Build();
        if (!builder.ContractServices.Any(s => s.Name == Rpc.Protocol.Plugin.Descriptor.FullName))
        {
            // The SDK's lifecycle over IPlugin, unless the plugin serves plugboard.v1.Plugin itself.
            app.MapGrpcService<PluginLifecycleService>();
        }

        app.MapGrpcService<HealthServiceImpl>();
        foreach (var (_, map) in builder.ContractServices)
        {
            map(app);
        }

        return app;
    }

    private static List<RpcEndpoint> ManagedEndpoints(HandshakeEnvironment handshake)
    {
        if (handshake.UnixSocketDirectory is { } directory)
        {
            return [RpcEndpoint.Unix(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"plugin-{Environment.ProcessId}.sock")))];
        }

        // Loopback TCP in the host's port range, starting at a random port so plugins started together rarely collide.
        var low = Math.Min(handshake.MinPort, handshake.MaxPort);
        var high = Math.Max(handshake.MinPort, handshake.MaxPort);
        var count = high - low + 1;
        var start = Random.Shared.Next(count);
        return [.. Enumerable.Range(0, Math.Min(count, 50)).Select(i => RpcEndpoint.Tcp(new IPEndPoint(IPAddress.Loopback, low + ((start + i) % count))))];
    }

    private static RpcEndpoint StandaloneEndpoint(string listen)
    {
        if (listen.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return RpcEndpoint.Unix(listen.StartsWith("unix://", StringComparison.OrdinalIgnoreCase) ? listen["unix://".Length..] : listen["unix:".Length..]);
        }

        var authority = listen.Contains("://", StringComparison.Ordinal) ? listen : "grpc://" + listen;
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Port <= 0)
        {
            throw new FormatException($"'{listen}' is not an address to listen on; use grpc://0.0.0.0:5000, 127.0.0.1:5000 or unix:///path/to.sock");
        }

        var address = uri.Host is "*" or "+" ? IPAddress.Any : IPAddress.Parse(uri.Host.Trim('[', ']'));
        return RpcEndpoint.Tcp(new IPEndPoint(address, uri.Port));
    }

    private static string Describe(IReadOnlyList<RpcEndpoint> candidates) =>
        candidates.Count == 1 ? candidates[0].ToString() : $"{candidates.Count} loopback ports ({candidates[0].Address}, …)";

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

    /// <summary>The health names of the contract services, set SERVING once the server listens.</summary>
    internal sealed record ContractServiceNames(IReadOnlyList<string> Names);
}
