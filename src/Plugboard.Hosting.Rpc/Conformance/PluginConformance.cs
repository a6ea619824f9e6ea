using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Runtimes;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Manifests;
using Google.Protobuf;
using Grpc.Core;
using Plugboard.Rpc.Protocol;

namespace Plugboard.Hosting.Rpc.Conformance;

/// <summary>
/// The checks behind <c>plugboard test PLUGIN</c>: starts an out-of-process plugin from its folder as a host would
/// and checks what every plugin must do — manifest, sample configuration, handshake, health, Init and Verify with
/// the sample configuration, unknown methods, deadlines, every method of the contracts the manifest declares (each
/// under a deadline, the plugin still serving after it; see <see cref="ConformanceOptions"/>), and a graceful stop
/// (Shutdown, then exit when stdin closes). The sample configuration is the one given, else <c>examples/config.json</c> in the plugin folder, else the
/// schema's defaults.
/// </summary>
public sealed class PluginConformance
{
    /// <summary>Where a plugin keeps the configuration the checks use when none is given.</summary>
    public const string SampleConfigurationPath = "examples/config.json";

    private static readonly Marshaller<Empty> EmptyMarshaller = Marshallers.Create(message => message.ToByteArray(), Empty.Parser.ParseFrom);
    private static readonly Method<Empty, Empty> UnknownMethod =
        new(MethodType.Unary, Plugin.Descriptor.FullName, "NoSuchMethodForConformance", EmptyMarshaller, EmptyMarshaller);

    private readonly RpcPluginOptions _options;
    private readonly ILogger _logger;
    private readonly ConformanceOptions _conformance;
    private readonly bool _strict;

    /// <summary>Creates the checker.</summary>
    /// <param name="options">How to run the plugin; defaults as a host's.</param>
    /// <param name="logger">Where the plugin's own output and the host's notes go.</param>
    /// <param name="strict">Fail, rather than warn about, what the host tolerates but the protocol forbids (stdout lines before the handshake).</param>
    public PluginConformance(RpcPluginOptions? options = null, ILogger? logger = null, bool strict = false)
        : this(options, logger, new ConformanceOptions { Strict = strict })
    {
    }

    /// <summary>Creates the checker with what it checks beyond the protocol (contract descriptors, method deadline).</summary>
    /// <param name="options">How to run the plugin; defaults as a host's.</param>
    /// <param name="logger">Where the plugin's own output and the host's notes go.</param>
    /// <param name="conformance">Strictness, the deadline of each contract method, and where contracts' descriptors are.</param>
    public PluginConformance(RpcPluginOptions? options, ILogger? logger, ConformanceOptions conformance)
    {
        ArgumentNullException.ThrowIfNull(conformance);
        _options = options ?? new RpcPluginOptions();
        _logger = logger ?? NullLogger.Instance;
        _conformance = conformance;
        _strict = conformance.Strict;
    }

    /// <summary>Runs every check on the plugin in <paramref name="pluginDirectory"/>.</summary>
    /// <param name="pluginDirectory">The plugin folder (with plugin.yaml).</param>
    /// <param name="sampleConfiguration">The configuration for Init; null to use the plugin's example or defaults.</param>
    /// <param name="cancellationToken">Stops the checks (the plugin is stopped too).</param>
    public async Task<ConformanceReport> RunAsync(string pluginDirectory, JsonObject? sampleConfiguration = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginDirectory);
        var directory = Path.GetFullPath(pluginDirectory);
        var checks = new List<ConformanceCheck>();
        var id = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar));

        PluginManifest manifest;
        try
        {
            manifest = await ManifestReader.ReadFileAsync(Path.Combine(directory, PluginManifest.FileName), cancellationToken).ConfigureAwait(false);
            id = manifest.Id;
        }
        catch (Exception ex) when (ex is ManifestException or IOException or UnauthorizedAccessException)
        {
            checks.Add(new("manifest", false, ex.Message));
            return new ConformanceReport(id, directory, checks);
        }

        if (manifest.Runtime is not (PluginRuntimeKind.Process or PluginRuntimeKind.Endpoint))
        {
            checks.Add(new("manifest", false, $"runtime is '{manifest.Runtime.ToString().ToLowerInvariant()}'; these checks are for out-of-process plugins (runtime: process or endpoint)"));
            return new ConformanceReport(id, directory, checks);
        }

        checks.Add(new("manifest", true, $"{manifest.Id} {manifest.Version.ToNormalizedString()}, runtime {manifest.Runtime.ToString().ToLowerInvariant()}, entry '{manifest.ResolveEntry()}'"));
        var configuration = await SampleConfigurationAsync(manifest, directory, sampleConfiguration, checks, cancellationToken).ConfigureAwait(false);
        if (checks.Any(c => c.Name == "sample configuration" && !c.Passed))
        {
            // Init with a configuration the host would refuse proves nothing: stop here.
            return new ConformanceReport(id, directory, checks);
        }

        // Disposed below once started; a connection whose start failed has stopped what it started.
#pragma warning disable CA2000
        RpcPluginConnection connection;
        try
        {
            connection = manifest.Runtime == PluginRuntimeKind.Process
                ? new ProcessPluginConnection(id, PluginCommand.Parse(manifest.ResolveEntry() ?? string.Empty, directory), directory, _options, _logger)
                : new EndpointPluginConnection(id, _options.EndpointAddress ?? manifest.ResolveEntry() ?? string.Empty, _options, _logger);
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning restore CA2000
        catch (Exception ex) when (ex is PluginStartException or FormatException)
        {
            checks.Add(new("handshake", false, ex.Message));
            return new ConformanceReport(id, directory, checks);
        }

        try
        {
            checks.Add(new("handshake", true, $"listens on {connection.Address}"));
            if (connection is ProcessPluginConnection { NoiseLineCount: > 0 } noisy)
            {
                var what = $"printed {noisy.NoiseLineCount} line(s) on stdout before its handshake line (first: '{noisy.NoiseBeforeHandshake[0]}'); " +
                    "the protocol says a plugin MUST NOT — log on stderr. The host skips up to MaxNoiseLines of them";
                checks.Add(_strict
                    ? new("stdout before the handshake", false, what)
                    : new("stdout before the handshake", true, $"WARNING: {what}; plugboard test --strict fails this"));
            }

            var invoker = connection.CallInvoker;
            checks.Add(await CheckAsync("health", () => HealthAsync(invoker, cancellationToken)).ConfigureAwait(false));
            checks.Add(await CheckAsync("init", () => InitAsync(invoker, manifest, configuration, cancellationToken)).ConfigureAwait(false));
            checks.Add(await CheckAsync("verify", () => VerifyAsync(invoker, cancellationToken)).ConfigureAwait(false));
            checks.Add(await CheckAsync("unknown method", () => UnknownMethodAsync(invoker, cancellationToken)).ConfigureAwait(false));
            checks.Add(await CheckAsync("deadline", () => DeadlineAsync(invoker, cancellationToken)).ConfigureAwait(false));
            if (checks.Any(c => c.Name == "init" && c.Passed))
            {
                var exercise = new ContractMethodExercise(connection, directory, _conformance, _options);
                checks.AddRange(await exercise.RunAsync(manifest, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            checks.AddRange(await StopAsync(connection, cancellationToken).ConfigureAwait(false));
        }

        return new ConformanceReport(id, directory, checks);
    }

    private static async Task<JsonObject> SampleConfigurationAsync(
        PluginManifest manifest, string directory, JsonObject? given, List<ConformanceCheck> checks, CancellationToken cancellationToken)
    {
        JsonObject raw;
        string source;
        var example = Path.Combine(directory, SampleConfigurationPath);
        if (given is not null)
        {
            raw = given;
            source = "the given configuration";
        }
        else if (File.Exists(example))
        {
            try
            {
                raw = JsonNode.Parse(await File.ReadAllTextAsync(example, cancellationToken).ConfigureAwait(false))?.AsObject() ?? [];
                source = SampleConfigurationPath;
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
            {
                checks.Add(new("sample configuration", false, $"{SampleConfigurationPath} is not a JSON object: {ex.Message}"));
                return [];
            }
        }
        else
        {
            raw = [];
            source = $"the schema's defaults (add {SampleConfigurationPath} to check a real configuration)";
        }

        if (manifest.ConfigSchema is not { } schema)
        {
            checks.Add(new("sample configuration", true, $"{source}; the manifest has no config schema"));
            return raw;
        }

        var result = schema.Validate(raw);
        checks.Add(result.IsValid
            ? new("sample configuration", true, $"{source} is valid against the config schema")
            : new("sample configuration", false, $"{source} does not fit the config schema: {string.Join("; ", result.Errors)}"));
        return result.Value;
    }

    private static async Task<ConformanceCheck> CheckAsync(string name, Func<Task<string>> check)
    {
        try
        {
            return new(name, true, await check().ConfigureAwait(false));
        }
        catch (ConformanceFailure ex)
        {
            return new(name, false, ex.Message);
        }
        catch (RpcException ex)
        {
            return new(name, false, $"the call failed: {ex.Status.StatusCode} {ex.Status.Detail}".TrimEnd());
        }
    }

    private async Task<string> HealthAsync(CallInvoker invoker, CancellationToken cancellationToken)
    {
        var health = new Health.HealthClient(invoker);
        var server = await health.CheckAsync(new HealthCheckRequest(), Call(cancellationToken)).ConfigureAwait(false);
        if (server.Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new ConformanceFailure($"Check(\"\") answered {server.Status}; it must answer SERVING as soon as the server accepts calls");
        }

        try
        {
            var unknown = await health.CheckAsync(new HealthCheckRequest { Service = "plugboard.conformance.NoSuchService" }, Call(cancellationToken)).ConfigureAwait(false);
            throw new ConformanceFailure($"Check of a service it does not serve answered {unknown.Status}; it must fail with NOT_FOUND");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return "Check(\"\") is SERVING; an unknown service is NOT_FOUND";
        }
    }

    private async Task<string> InitAsync(CallInvoker invoker, PluginManifest manifest, JsonObject configuration, CancellationToken cancellationToken)
    {
        var response = await new Plugin.PluginClient(invoker).InitAsync(
            new InitRequest { PluginId = manifest.Id, Version = manifest.Version.ToNormalizedString(), Configuration = StructJson.ToStruct(configuration) },
            Call(cancellationToken)).ConfigureAwait(false);
        var metadata = StructJson.ToJsonObject(response.Metadata);
        return metadata.Count == 0 ? "initialized, no metadata" : $"initialized, metadata {metadata.ToJsonString()}";
    }

    private async Task<string> VerifyAsync(CallInvoker invoker, CancellationToken cancellationToken)
    {
        var response = await new Plugin.PluginClient(invoker).VerifyAsync(new VerifyRequest(), Call(cancellationToken)).ConfigureAwait(false);
        if (!response.Ready)
        {
            throw new ConformanceFailure(string.IsNullOrWhiteSpace(response.Reason)
                ? "not ready with the sample configuration, and no reason given: a plugin that is not ready must say why"
                : $"not ready with the sample configuration: {response.Reason}");
        }

        return "ready with the sample configuration";
    }

    private async Task<string> UnknownMethodAsync(CallInvoker invoker, CancellationToken cancellationToken)
    {
        try
        {
            await invoker.AsyncUnaryCall(UnknownMethod, null, Call(cancellationToken), new Empty()).ResponseAsync.ConfigureAwait(false);
            throw new ConformanceFailure($"{UnknownMethod.FullName} answered OK; a method the plugin does not have must fail with UNIMPLEMENTED");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            return "a method it does not have is UNIMPLEMENTED";
        }
    }

    private async Task<string> DeadlineAsync(CallInvoker invoker, CancellationToken cancellationToken)
    {
        // A deadline too short for any real answer: the call must end at once, not wait for the plugin.
        try
        {
            await new Plugin.PluginClient(invoker).VerifyAsync(new VerifyRequest(), new CallOptions(deadline: DateTime.UtcNow.AddTicks(1), cancellationToken: cancellationToken))
                .ResponseAsync.WaitAsync(_options.HealthCheckTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            // Expected.
        }
        catch (TimeoutException)
        {
            throw new ConformanceFailure($"a call with an expired deadline was still running after {_options.HealthCheckTimeout.TotalSeconds:0.#} s");
        }

        var after = await new Health.HealthClient(invoker).CheckAsync(new HealthCheckRequest(), Call(cancellationToken)).ConfigureAwait(false);
        return after.Status == HealthCheckResponse.Types.ServingStatus.Serving
            ? "a call past its deadline ends with DEADLINE_EXCEEDED and the plugin keeps serving"
            : throw new ConformanceFailure($"after a call past its deadline, Check(\"\") answered {after.Status}");
    }

    private async Task<IReadOnlyList<ConformanceCheck>> StopAsync(RpcPluginConnection connection, CancellationToken cancellationToken)
    {
        if (connection is not ProcessPluginConnection process)
        {
            await connection.StopAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }

        string? shutdownProblem = null;
        try
        {
            await new Plugin.PluginClient(connection.CallInvoker).ShutdownAsync(new ShutdownRequest(), Call(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            shutdownProblem = $"Shutdown failed: {ex.Status.StatusCode} {ex.Status.Detail}".TrimEnd();
        }

        // The connection calls Shutdown again before closing stdin: a second Shutdown must be harmless too.
        await process.StopAsync(cancellationToken).ConfigureAwait(false);
        var shutdown = shutdownProblem is null
            ? new ConformanceCheck("shutdown", true, "Shutdown answered OK")
            : new ConformanceCheck("shutdown", false, shutdownProblem);
        var exit = process.StopOutcome switch
        {
            PluginStopOutcome.ExitedWhenStdinClosed => new ConformanceCheck("exit on stdin close", true, "the process exited when the host closed its stdin"),
            // go-plugin's plugins never watch stdin; the host's watchdog kills them when the host dies, so this is tolerated.
            PluginStopOutcome.ExitedOnSigterm => _strict
                ? new ConformanceCheck("exit on stdin close", false, StdinAdvice)
                : new ConformanceCheck("exit on stdin close", true, $"WARNING: {StdinAdvice}; plugboard test --strict fails this"),
            PluginStopOutcome.Killed => new ConformanceCheck("exit on stdin close", false, $"the process ignored the closing of its stdin and SIGTERM and was killed after {_options.ShutdownGrace.TotalSeconds:0.#} s"),
            PluginStopOutcome.AlreadyExited => new ConformanceCheck("exit on stdin close", true, "the process exited by itself after Shutdown"),
            _ => new ConformanceCheck("exit on stdin close", false, "the process was not stopped"),
        };
        return [shutdown, exit];
    }

    private const string StdinAdvice =
        "the process exited only on SIGTERM, not when its stdin closed; a plugin should exit on stdin EOF (the host's watchdog " +
        "kills it if the host dies, but a plugin that exits by itself stops cleanly; in Go: go func() { io.Copy(io.Discard, os.Stdin); os.Exit(0) }())";

    private CallOptions Call(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: cancellationToken);

    private sealed class ConformanceFailure(string message) : Exception(message);
}
