using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Hosting.Discovery;
using Plugboard.Hosting.Loading;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting;

/// <summary>
/// Loads, runs and replaces a host's plugins. Declare contracts and built-in plugins, then start it:
/// <code>
/// await using var host = new PluginHost(new PlugboardOptions { PluginsDirectory = "plugins" }, loggerFactory);
/// host.AddContract&lt;IDataSource&gt;().AddBuiltIn&lt;IDataSource, LocalCsvDataSource&gt;("local");
/// await host.StartAsync(cancellationToken);
/// var source = host.Registry&lt;IDataSource&gt;().Get("custom-http");
/// </code>
/// Each plugin follows <c>Discovered → Loaded → Initialized → Verified → Active</c>; a plugin that fails
/// does so alone, with its reason in its status. With DI, use <c>services.AddPlugboard(…)</c> instead.
/// </summary>
public sealed class PluginHost : IAsyncDisposable, IDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IServiceProvider? _hostServices;
    private readonly SharedAssemblies _shared;
    private readonly ConcurrentDictionary<PluginRuntimeKind, IPluginRuntime> _runtimes = new();
    private readonly ConcurrentDictionary<Type, IContractRegistry> _registries = new();
    private readonly ConcurrentDictionary<string, BuiltInPlugin> _builtIns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PluginEntry> _entriesByOrigin = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PluginEntry> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task<bool>, byte> _retirements = new();
    private readonly CancellationTokenSource _stopping = new();
    private PluginDirectoryWatcher? _watcher;
    private int _state; // 0 created, 1 started, 2 stopped

    /// <summary>Creates a host; nothing is loaded before <see cref="StartAsync"/>.</summary>
    /// <param name="options">Where plugins are, id rules, timeouts, per-plugin configuration.</param>
    /// <param name="loggerFactory">Where the host and the plugins log; nothing is logged when null.</param>
    /// <param name="hostServices">Services built-in plugins are created from and plugins may use (<see cref="PluginContext.HostServices"/>).</param>
    public PluginHost(PlugboardOptions options, ILoggerFactory? loggerFactory = null, IServiceProvider? hostServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.IdPrefix))
        {
            throw new ArgumentException("PlugboardOptions.IdPrefix must not be empty: it keeps third-party plugins from shadowing built-in ones.", nameof(options));
        }

        Options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<PluginHost>();
        _hostServices = hostServices;
        _shared = new SharedAssemblies(options.SharedAssemblies);
        AddRuntime(new AssemblyPluginRuntime(_shared));
    }

    /// <summary>The options the host runs with.</summary>
    public PlugboardOptions Options { get; }

    /// <summary>The plugins directory as an absolute path; null when there is none.</summary>
    public string? PluginsDirectory => Options.PluginsDirectory is null ? null : Path.GetFullPath(Options.PluginsDirectory);

    /// <summary>The status of every plugin the host knows: built-in, loaded, failed or waiting for a runtime.</summary>
    public IReadOnlyList<PluginStatus> Statuses =>
        _entriesByOrigin.Values.Select(e => e.Snapshot()).OrderBy(s => s.Id, StringComparer.Ordinal).ThenBy(s => s.Origin, StringComparer.Ordinal).ToList();

    /// <summary>Test hook: the watcher gets no file-system events, as if the OS lost them all; only the rescan sees changes.</summary>
    internal bool FileSystemEventsDisabled { get; set; }

    /// <summary>How many periodic rescans of the plugins directory have finished.</summary>
    internal int CompletedRescans => _watcher?.CompletedRescans ?? 0;

    /// <summary>Raised when any plugin is added, replaced, removed or fails, and when its runtime reports it stops or resumes serving.</summary>
    public event EventHandler<PluginChangedEventArgs>? Changed;

    /// <summary>
    /// Declares a contract plugins may implement: creates its registry and shares its assembly with every
    /// plugin, so a plugin built against an older minor version of it binds to the host's.
    /// </summary>
    /// <typeparam name="TContract">The contract interface, ideally marked <see cref="PluginContractAttribute"/>.</typeparam>
    public PluginHost AddContract<TContract>() where TContract : class
    {
        ThrowIfStarted(nameof(AddContract));
        var contract = ContractDescriptor.For(typeof(TContract));
        var clash = _registries.Values.FirstOrDefault(r => r.Contract.Name == contract.Name && r.Contract.Type != contract.Type);
        if (clash is not null)
        {
            throw new ArgumentException($"Contract name '{contract.Name}' is already used by {clash.Contract.Type.FullName}; give {typeof(TContract).FullName} another [PluginContract] name.");
        }

        _registries.GetOrAdd(typeof(TContract), _ => new PluginRegistry<TContract>(contract, () => PluginsDirectory));
        _shared.Add(typeof(TContract).Assembly);
        return this;
    }

    /// <summary>
    /// Registers a built-in plugin class, created by the host (through DI when it has services) and run
    /// through the same Init and Verify as any plugin. Its id must not carry the third-party prefix.
    /// </summary>
    /// <typeparam name="TContract">The contract, declared with <see cref="AddContract{TContract}"/> (done here if not).</typeparam>
    /// <typeparam name="TImplementation">The implementation class.</typeparam>
    /// <param name="id">The plugin id, e.g. <c>local</c>.</param>
    /// <param name="configuration">Its configuration, unless <see cref="PlugboardOptions.Plugins"/> has one for the id.</param>
    /// <exception cref="ArgumentException">The id carries the prefix or is already registered.</exception>
    public PluginHost AddBuiltIn<TContract, TImplementation>(string id, JsonObject? configuration = null)
        where TContract : class
        where TImplementation : class, TContract
    {
        AddBuiltIn(new BuiltInPlugin(id, ContractFor<TContract>(), typeof(TImplementation), null, configuration));
        return this;
    }

    /// <summary>Registers an existing object as a built-in plugin; the host does not dispose it.</summary>
    /// <typeparam name="TContract">The contract, declared with <see cref="AddContract{TContract}"/> (done here if not).</typeparam>
    /// <param name="id">The plugin id, e.g. <c>local</c>.</param>
    /// <param name="instance">The implementation.</param>
    /// <exception cref="ArgumentException">The id carries the prefix or is already registered.</exception>
    public PluginHost AddBuiltIn<TContract>(string id, TContract instance) where TContract : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        AddBuiltIn(new BuiltInPlugin(id, ContractFor<TContract>(), instance.GetType(), instance, null));
        return this;
    }

    /// <summary>Adds (or replaces) the runtime for one <see cref="PluginRuntimeKind"/>, e.g. a process runtime.</summary>
    /// <param name="runtime">The runtime.</param>
    public PluginHost AddRuntime(IPluginRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtimes[runtime.Kind] = runtime;
        return this;
    }

    /// <summary>The registry of a declared contract.</summary>
    /// <typeparam name="TContract">The contract interface.</typeparam>
    /// <exception cref="InvalidOperationException">The contract was not declared.</exception>
    public IPluginRegistry<TContract> Registry<TContract>() where TContract : class =>
        _registries.TryGetValue(typeof(TContract), out var registry)
            ? (IPluginRegistry<TContract>)registry
            : throw new InvalidOperationException($"{typeof(TContract).FullName} is not a declared contract; call AddContract<{typeof(TContract).Name}>() before starting the host.");

    /// <summary>The status of the plugin with this id (the one that owns the id, when several folders claim it).</summary>
    /// <param name="id">The plugin id.</param>
    /// <returns>The status, or null when no plugin has this id.</returns>
    public PluginStatus? GetStatus(string id)
    {
        if (_owners.TryGetValue(id, out var owner))
        {
            return owner.Snapshot();
        }

        return _entriesByOrigin.Values.Where(e => e.Id == id).Select(e => e.Snapshot()).FirstOrDefault();
    }

    /// <summary>
    /// Loads the built-in plugins and every plugin folder, then watches the folder when
    /// <see cref="PlugboardOptions.WatchForChanges"/> is set. A plugin that fails does not stop the others.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The plugin host has already been started.");
        }

        ShadowCopyDirectory.DeleteAbandoned();
        foreach (var builtIn in _builtIns.Values.OrderBy(b => b.Id, StringComparer.Ordinal))
        {
            await LoadBuiltInAsync(builtIn, cancellationToken).ConfigureAwait(false);
        }

        var directory = PluginsDirectory;
        if (directory is not null)
        {
            if (!Directory.Exists(directory))
            {
                _logger.LogWarning("The plugins directory {PluginsDirectory} does not exist; only built-in plugins are loaded", directory);
            }

            // Watch before the first scan: a folder swapped in while the others load (e.g. by a sync on start) is
            // then reloaded rather than missed until its next change.
            if (Options.WatchForChanges)
            {
                Directory.CreateDirectory(directory);
                _watcher = new PluginDirectoryWatcher(directory, Options.ReloadDebounce, Options.RescanInterval, OnFolderChangedAsync, _logger, raiseEvents: !FileSystemEventsDisabled);
            }

            foreach (var discovered in PluginDirectoryScanner.Scan(directory))
            {
                await LoadFolderAsync(discovered, cancellationToken).ConfigureAwait(false);
            }
        }

        var statuses = Statuses;
        _logger.LogInformation(
            "Plugboard started: {ActiveCount} plugin(s) active, {FailedCount} failed, {OtherCount} not loaded",
            statuses.Count(s => s.IsActive),
            statuses.Count(s => s.Phase == PluginPhase.Failed),
            statuses.Count(s => !s.IsActive && s.Phase != PluginPhase.Failed));
    }

    /// <summary>
    /// Loads, or reloads, the plugin in <paramref name="directory"/>: the new version is loaded beside the
    /// active one, initialized and verified, then swapped in; calls already running finish on the old one,
    /// which is unloaded once they have. If the new version fails, the old one stays active.
    /// </summary>
    /// <param name="directory">A plugin folder (with a <c>plugin.yaml</c>).</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The plugin's status afterwards.</returns>
    public async Task<PluginStatus> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var entry = await LoadFolderAsync(PluginDirectoryScanner.Read(directory), cancellationToken).ConfigureAwait(false);
        return entry.Snapshot();
    }

    /// <summary>Reloads a plugin from where it came from (see <see cref="LoadAsync"/>).</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="cancellationToken">Cancels the reload.</param>
    /// <exception cref="PluginNotAvailableException">No plugin has this id.</exception>
    public async Task<PluginStatus> ReloadAsync(string id, CancellationToken cancellationToken = default)
    {
        var entry = FindEntry(id);
        if (entry.IsBuiltIn)
        {
            await LoadBuiltInAsync(_builtIns[id], cancellationToken).ConfigureAwait(false);
            return entry.Snapshot();
        }

        return await LoadAsync(entry.Origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a plugin: it takes no new calls, the running ones finish (up to
    /// <see cref="PlugboardOptions.DrainTimeout"/>), it is disposed and its code unloaded.
    /// </summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="cancellationToken">Cancels waiting for the removal (the removal itself goes on).</param>
    /// <returns>
    /// Whether the unload provably completed: for an assembly plugin, its load context was collected
    /// within <see cref="PlugboardOptions.UnloadTimeout"/>. False means something still holds its types.
    /// </returns>
    /// <exception cref="PluginNotAvailableException">No plugin has this id.</exception>
    public async Task<bool> UnloadAsync(string id, CancellationToken cancellationToken = default)
    {
        var entry = FindEntry(id);
        return await DeactivateAsync(entry, "unloaded on request", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops watching and unloads every plugin, waiting for running calls to finish.</summary>
    /// <param name="cancellationToken">Cancels waiting (the unloads go on).</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        _watcher?.Dispose();
        _watcher = null;
        await _stopping.CancelAsync().ConfigureAwait(false);
        var deactivations = _entriesByOrigin.Values.Select(e => DeactivateAsync(e, "host stopping", CancellationToken.None)).ToList();
        await Task.WhenAll(deactivations).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_retirements.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Plugboard stopped");
    }

    /// <summary>Stops the host (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _watcher?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Stops the host synchronously; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void AddBuiltIn(BuiltInPlugin builtIn)
    {
        ThrowIfStarted(nameof(AddBuiltIn));
        ArgumentException.ThrowIfNullOrWhiteSpace(builtIn.Id);
        if (builtIn.Id.StartsWith(Options.IdPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"built-in plugin id '{builtIn.Id}' must not start with '{Options.IdPrefix}': that prefix is reserved for third-party plugins; rename it to '{builtIn.Id[Options.IdPrefix.Length..]}'.");
        }

        if (!_builtIns.TryAdd(builtIn.Id, builtIn))
        {
            throw new ArgumentException($"plugin id '{builtIn.Id}' from {builtIn.Origin} is already registered by {_builtIns[builtIn.Id].Origin}.");
        }
    }

    private ContractDescriptor ContractFor<TContract>() where TContract : class
    {
        AddContract<TContract>();
        return _registries[typeof(TContract)].Contract;
    }

    private void ThrowIfStarted(string operation)
    {
        if (Volatile.Read(ref _state) != 0)
        {
            throw new InvalidOperationException($"{operation} must be called before the plugin host starts.");
        }
    }

    private PluginEntry FindEntry(string id) =>
        _owners.TryGetValue(id, out var entry)
            ? entry
            : throw new PluginNotAvailableException(id, $"no plugin has the id '{id}'; known ids: {string.Join(", ", _owners.Keys.Order(StringComparer.Ordinal))}.");

    private async Task OnFolderChangedAsync(string folder)
    {
        if (Volatile.Read(ref _state) != 1)
        {
            return;
        }

        if (Directory.Exists(folder) && PluginDirectoryScanner.IsPluginFolder(folder))
        {
            _logger.LogInformation("Plugin folder {PluginFolder} changed; reloading", folder);
            await LoadFolderAsync(PluginDirectoryScanner.Read(folder), _stopping.Token).ConfigureAwait(false);
        }
        else if (_entriesByOrigin.TryGetValue(folder, out var entry))
        {
            _logger.LogInformation("Plugin folder {PluginFolder} was removed; unloading {PluginId}", folder, entry.Id);
            await DeactivateAsync(entry, "its folder was removed", _stopping.Token).ConfigureAwait(false);
            _entriesByOrigin.TryRemove(new(folder, entry));
        }
    }

    private async Task<PluginEntry> LoadFolderAsync(DiscoveredPlugin discovered, CancellationToken cancellationToken)
    {
        var entry = _entriesByOrigin.GetOrAdd(discovered.Directory, d => new PluginEntry(d, isBuiltIn: false));
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadFolderLockedAsync(entry, discovered, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            entry.Gate.Release();
        }

        return entry;
    }

    private async Task LoadFolderLockedAsync(PluginEntry entry, DiscoveredPlugin discovered, CancellationToken cancellationToken)
    {
        var folder = discovered.Directory;
        if (discovered.Manifest is not { } manifest)
        {
            var manifestPath = Path.Combine(folder, PluginManifest.FileName);
            Fail(entry, null, $"{manifestPath} is invalid: {string.Join("; ", discovered.Errors)}", discovered.Errors);
            return;
        }

        var id = manifest.Id;
        var version = manifest.Version.ToNormalizedString();
        using var scope = _logger.BeginScope(new PluginLogScope(id, version));

        if (entry.Current is not null && entry.Id != id)
        {
            // The folder now holds another plugin: the old one goes first.
            await DeactivateLockedAsync(entry, $"its folder now holds plugin '{id}'").ConfigureAwait(false);
        }

        if (entry.Current is null)
        {
            entry.Id = id;
        }

        entry.Runtime = manifest.Runtime;

        if (!id.StartsWith(Options.IdPrefix, StringComparison.Ordinal))
        {
            Fail(entry, version,
                $"plugin id '{id}' in {Path.Combine(folder, PluginManifest.FileName)} must start with '{Options.IdPrefix}': third-party plugin ids carry the prefix " +
                $"so they can never shadow built-in plugins; rename it to '{Options.IdPrefix}{id}' in plugin.yaml and in its [Plugin] attribute.",
                [new PluginError("id", $"must start with '{Options.IdPrefix}'")]);
            return;
        }

        var owner = _owners.GetOrAdd(id, entry);
        if (owner != entry)
        {
            Fail(entry, version, $"plugin id '{id}' from {folder} is already registered by {owner.Origin}; remove one of the two or give it another id.",
                [new PluginError("id", $"'{id}' is already registered by {owner.Origin}")]);
            return;
        }

        if (Options.Plugins.TryGet(id, out var settings) && !settings.Enabled)
        {
            if (entry.Current is not null)
            {
                await DeactivateLockedAsync(entry, "disabled by configuration").ConfigureAwait(false);
            }

            entry.Record(PluginPhase.Discovered, version, $"disabled by configuration (Plugboard:Plugins:{id}:Enabled is false)");
            return;
        }

        var contracts = MatchContracts(manifest, out var contractErrors);
        if (contracts.Count == 0)
        {
            Fail(entry, version, $"{id}: {string.Join("; ", contractErrors.Select(e => e.Message))}", contractErrors);
            return;
        }

        entry.Contracts = contracts;
        foreach (var contract in contracts)
        {
            _registries[contract.Type].Attach(entry);
        }

        if (!_runtimes.TryGetValue(manifest.Runtime, out var runtime))
        {
            var reason = $"runtime '{manifest.Runtime.ToString().ToLowerInvariant()}' is not available in this host; add the package that provides it (PluginHost.AddRuntime)";
            entry.Record(PluginPhase.Discovered, version, reason);
            _logger.LogInformation("Discovered {PluginId} {PluginVersion} ({Runtime}); {Reason}", id, version, manifest.Runtime, reason);
            return;
        }

        var configuration = PrepareConfiguration(manifest, settings, out var configErrors);
        if (configErrors.Count > 0)
        {
            Fail(entry, version, $"{id}: the configuration is invalid: {string.Join("; ", configErrors)}. Fix Plugboard:Plugins:{id}:Configuration.", configErrors);
            return;
        }

        await ActivateAsync(entry, version, (logger, stopping, ct) => runtime.LoadAsync(
            new PluginLoadRequest
            {
                Manifest = manifest,
                Directory = folder,
                Contracts = contracts.Select(c => c.Type).ToList(),
                Configuration = configuration,
                Logger = logger,
                Stopping = stopping,
                HostServices = _hostServices,
            },
            ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task LoadBuiltInAsync(BuiltInPlugin builtIn, CancellationToken cancellationToken)
    {
        var entry = _entriesByOrigin.GetOrAdd(builtIn.Origin, origin => new PluginEntry(origin, isBuiltIn: true) { Id = builtIn.Id });
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var scope = _logger.BeginScope(new PluginLogScope(builtIn.Id, builtIn.Version));
            entry.Id = builtIn.Id;
            entry.Contracts = [builtIn.Contract];
            var owner = _owners.GetOrAdd(builtIn.Id, entry);
            if (owner != entry)
            {
                Fail(entry, builtIn.Version, $"plugin id '{builtIn.Id}' from {builtIn.Origin} is already registered by {owner.Origin}.");
                return;
            }

            _registries[builtIn.Contract.Type].Attach(entry);
            var settings = Options.Plugins.TryGet(builtIn.Id, out var s) ? s : null;
            if (settings is { Enabled: false })
            {
                entry.Record(PluginPhase.Discovered, builtIn.Version, $"disabled by configuration (Plugboard:Plugins:{builtIn.Id}:Enabled is false)");
                return;
            }

            var configuration = (settings?.Configuration ?? builtIn.Configuration)?.DeepClone().AsObject() ?? new JsonObject();
            await ActivateAsync(
                entry,
                builtIn.Version,
                (logger, stopping, _) => new(builtIn.Load(configuration, logger, _hostServices, stopping)),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private List<ContractDescriptor> MatchContracts(PluginManifest manifest, out List<PluginError> errors)
    {
        errors = [];
        var matched = new List<ContractDescriptor>();
        var offered = _registries.Values.Select(r => r.Contract).ToList();
        for (var i = 0; i < manifest.Contracts.Count; i++)
        {
            var reference = manifest.Contracts[i];
            var contract = offered.FirstOrDefault(c => c.Name == reference.Name);
            if (contract is null)
            {
                continue;
            }

            if (!reference.Versions.Satisfies(contract.Version))
            {
                errors.Add(new PluginError(
                    $"contracts[{i}].version",
                    $"it needs {reference.Name} {reference.Versions}, but this host has {reference.Name} {contract.Version}; install a version of the plugin built for it"));
                continue;
            }

            matched.Add(contract);
        }

        if (matched.Count == 0 && errors.Count == 0)
        {
            var declared = manifest.Contracts.Count == 0 ? "no contract" : string.Join(", ", manifest.Contracts.Select(c => c.Name));
            var hostOffers = offered.Count == 0 ? "none" : string.Join(", ", offered.Select(c => $"{c.Name} {c.Version}"));
            errors.Add(new PluginError("contracts", $"it declares {declared}, and this host offers {hostOffers}; it is not for this host, or the host has not declared the contract (AddContract)"));
        }

        return matched;
    }

    private static JsonObject PrepareConfiguration(PluginManifest manifest, PluginOptions? settings, out List<PluginError> errors)
    {
        errors = [];
        var raw = settings?.Configuration?.DeepClone().AsObject() ?? new JsonObject();
        if (manifest.ConfigSchema is not { } schema)
        {
            return raw;
        }

        if (settings?.ConfigurationIsText == true)
        {
            TextConfiguration.Coerce(raw, schema.ToJson());
        }

        var result = schema.Validate(raw);
        errors.AddRange(result.Errors.Select(e => new PluginError(e.Path, e.Message)));
        return result.Value;
    }

    // Loads one version, runs Init and Verify, and swaps it in; on any failure the version is released
    // and a version already active stays so.
    private async Task ActivateAsync(
        PluginEntry entry,
        string version,
        Func<ILogger, CancellationToken, CancellationToken, ValueTask<LoadedPlugin>> load,
        CancellationToken cancellationToken)
    {
        var id = entry.Id;
        var logger = new PluginScopedLogger(_loggerFactory.CreateLogger($"Plugboard.Plugins.{id}"), id, version);
        // Owned by the generation once activation succeeds (disposed at its retirement), else released below.
#pragma warning disable CA2000
        var stopping = new CancellationTokenSource();
#pragma warning restore CA2000
        LoadedPlugin? loaded = null;
        try
        {
            try
            {
                loaded = await load(logger, stopping.Token, cancellationToken).ConfigureAwait(false);
            }
            catch (PluginLoadException ex)
            {
                Fail(entry, version, ex.Message, ex.Errors);
                stopping.Dispose();
                return;
            }

            entry.Record(PluginPhase.Loaded, version);
            var metadata = PluginMetadata.Empty;
            var verification = VerifyResult.Ready();
            if (loaded.Implementation is IPlugin plugin)
            {
                metadata = await RunStepAsync(entry, version, "Init", Options.InitTimeout, ct => plugin.InitAsync(loaded.Context, ct), cancellationToken).ConfigureAwait(false);
                entry.Record(PluginPhase.Initialized, version, metadata: metadata);
                verification = await RunStepAsync(entry, version, "Verify", Options.VerifyTimeout, plugin.VerifyAsync, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                entry.Record(PluginPhase.Initialized, version, metadata: metadata);
            }

            entry.Record(PluginPhase.Verified, version, verification.IsReady ? null : verification.Reason, metadata, verification);
            if (!verification.IsReady)
            {
                Fail(entry, version, $"{id} {version} is not ready: {verification.Reason}", verification: verification, phase: PluginPhase.Verified);
                await ReleaseAsync(loaded, stopping).ConfigureAwait(false);
                return;
            }

            var generation = new PluginGeneration(loaded, version, metadata, verification, stopping);
            var previous = entry.Swap(generation);
            entry.Record(PluginPhase.Active, version, previous is null ? null : $"replaced {previous.Version}", metadata, verification);
            if (previous is null)
            {
                _logger.LogInformation("Plugin {PluginId} {PluginVersion} is active", id, version);
            }
            else
            {
                _logger.LogInformation("Plugin {PluginId} {PluginVersion} is active, replacing {PreviousVersion}", id, version, previous.Version);
            }

            Raise(entry, new PluginChangedEventArgs(id, previous is null ? PluginChangeKind.Added : PluginChangeKind.Replaced, version, previous?.Version, null));

            // After Added/Replaced, so that a plugin that already went down during Init shows as such next.
            entry.ReplaceHealthWatch(new PluginHealthWatch(generation, (g, health) => ApplyHealth(entry, g, health)))?.Dispose();
            if (previous is not null)
            {
                _ = Retire(previous);
            }
        }
        catch (PluginStepException ex)
        {
            Fail(entry, version, ex.Message);
            await ReleaseAsync(loaded, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(loaded, stopping).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            Fail(entry, version, $"{id} {version}: {ex.GetType().Name}: {ex.Message}");
            await ReleaseAsync(loaded, stopping).ConfigureAwait(false);
        }
    }

    private static async Task<T> RunStepAsync<T>(
        PluginEntry entry,
        string version,
        string step,
        TimeSpan timeout,
        Func<CancellationToken, ValueTask<T>> run,
        CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            // WaitAsync as well: a plugin that ignores its token must not hold the host.
            return await run(timeoutSource.Token).AsTask().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PluginStepException(
                $"{entry.Id} {version}: {step} did not finish within {timeout.TotalSeconds:0.###} s; check what it waits for, or raise PlugboardOptions.{step}Timeout.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new PluginStepException($"{entry.Id} {version}: {step} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task ReleaseAsync(LoadedPlugin? loaded, CancellationTokenSource stopping)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        stopping.Dispose();
        if (loaded is not null)
        {
            try
            {
                await loaded.UnloadAsync(TimeSpan.Zero).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Disposing the failed version of {PluginId} threw", loaded.Id);
            }
        }
    }

    private void Fail(PluginEntry entry, string? version, string message, IReadOnlyList<PluginError>? errors = null, VerifyResult? verification = null, PluginPhase phase = PluginPhase.Failed)
    {
        var stillActive = entry.Current;
        entry.RecordFailure(version, message, errors, verification, phase);
        if (stillActive is null)
        {
            _logger.LogError("Plugin {PluginId} failed: {Reason}", entry.Id, message);
        }
        else
        {
            _logger.LogError("Plugin {PluginId} {PluginVersion} could not be loaded; {ActiveVersion} stays active: {Reason}", entry.Id, version, stillActive.Version, message);
        }

        Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Failed, version, stillActive?.Version, message));
    }

    // Runs on the thread pool, one report at a time per generation (see PluginHealthWatch); reports of a
    // generation that is no longer the active one change nothing.
    private void ApplyHealth(PluginEntry entry, PluginGeneration generation, PluginHealth health)
    {
        try
        {
            if (!entry.RecordHealth(generation, health, out var message))
            {
                return;
            }

            using var scope = _logger.BeginScope(new PluginLogScope(entry.Id, generation.Version));
            if (health.IsServing)
            {
                _logger.LogInformation("Plugin {PluginId} {PluginVersion} is serving again: {Reason}", entry.Id, generation.Version, message);
                Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Recovered, generation.Version, null, message));
            }
            else
            {
                _logger.LogWarning(
                    "Plugin {PluginId} {PluginVersion} is not serving; its status shows Failed until it serves again: {Reason}",
                    entry.Id, generation.Version, health.Reason);
                Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Unhealthy, generation.Version, null, message));
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Recording the health of {PluginId} {PluginVersion} failed", entry.Id, generation.Version);
        }
    }

    private async Task<bool> DeactivateAsync(PluginEntry entry, string reason, CancellationToken cancellationToken)
    {
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DeactivateLockedAsync(entry, reason).ConfigureAwait(false);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<bool> DeactivateLockedAsync(PluginEntry entry, string reason)
    {
        foreach (var contract in entry.Contracts)
        {
            if (_registries.TryGetValue(contract.Type, out var registry))
            {
                registry.Detach(entry);
            }
        }

        _owners.TryRemove(new(entry.Id, entry));
        var previous = entry.Swap(null);
        entry.ReplaceHealthWatch(null)?.Dispose();
        if (previous is null)
        {
            return true;
        }

        entry.Record(PluginPhase.Stopping, previous.Version, reason);
        Raise(entry, new PluginChangedEventArgs(entry.Id, PluginChangeKind.Removed, null, previous.Version, reason));
        var collected = await Retire(previous).ConfigureAwait(false);
        entry.Record(PluginPhase.Removed, previous.Version, collected ? reason : $"{reason}; its code is still referenced and not yet collected");
        return collected;
    }

    // Waits for the calls running on a replaced version, then disposes and unloads it, in the
    // background; StopAsync waits for every retirement still running.
    private Task<bool> Retire(PluginGeneration generation)
    {
        var task = RetireCoreAsync(generation);
        _retirements.TryAdd(task, 0);
        _ = task.ContinueWith(t => _retirements.TryRemove(t, out _), TaskScheduler.Default);
        return task;
    }

    private async Task<bool> RetireCoreAsync(PluginGeneration generation)
    {
        using var scope = _logger.BeginScope(new PluginLogScope(generation.Id, generation.Version));
        var drained = generation.RetireAsync();
        if (await Task.WhenAny(drained, Task.Delay(Options.DrainTimeout)).ConfigureAwait(false) != drained)
        {
            _logger.LogWarning(
                "{InFlight} call(s) still running on {PluginId} {PluginVersion} after {DrainTimeout}; disposing it anyway",
                generation.InFlight, generation.Id, generation.Version, Options.DrainTimeout);
        }

        await generation.Stopping.CancelAsync().ConfigureAwait(false);
        generation.Stopping.Dispose();
        bool collected;
        try
        {
            collected = await generation.Loaded.UnloadAsync(Options.UnloadTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Disposing {PluginId} {PluginVersion} threw", generation.Id, generation.Version);
            return false;
        }

        if (collected)
        {
            _logger.LogDebug("Unloaded {PluginId} {PluginVersion}", generation.Id, generation.Version);
        }
        else
        {
            _logger.LogWarning(
                "The code of {PluginId} {PluginVersion} is still referenced {UnloadTimeout} after unloading (a static cache, an event handler or a running thread holds its types); its memory is not reclaimed until they let go",
                generation.Id, generation.Version, Options.UnloadTimeout);
        }

        return collected;
    }

    private void Raise(PluginEntry entry, PluginChangedEventArgs args)
    {
        foreach (var contract in entry.Contracts)
        {
            if (_registries.TryGetValue(contract.Type, out var registry))
            {
                Safely(() => registry.RaiseChanged(args));
            }
        }

        Safely(() => Changed?.Invoke(this, args));

        void Safely(Action raise)
        {
            try
            {
                raise();
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "A Changed handler threw for {PluginId}", args.Id);
            }
        }
    }

    private sealed class PluginStepException(string message) : Exception(message);
}
