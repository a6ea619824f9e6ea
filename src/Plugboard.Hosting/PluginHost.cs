using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Hosting.Discovery;
using Plugboard.Hosting.Loading;
using Plugboard.Hosting.Pipeline;
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
/// This class composes the parts and is the public surface; every plugin, built-in or from a folder, goes
/// through the same pipeline (<c>Pipeline/</c>: admission → activation → retirement).
/// </summary>
public sealed class PluginHost : IAsyncDisposable, IDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SharedAssemblies _shared;
    private readonly PluginRuntimes _runtimes = new();
    private readonly ConcurrentDictionary<Type, IContractRegistry> _registries = new();
    private readonly ConcurrentDictionary<string, BuiltInPlugin> _builtIns = new(StringComparer.Ordinal);
    private readonly PluginPipeline _pipeline;
    private readonly CancellationTokenSource _stopping = new();
    private PluginDirectoryWatcher? _watcher;
    private int _state; // 0 created, 1 started, 2 stopped

    /// <summary>Creates a host; nothing is loaded before <see cref="StartAsync"/>.</summary>
    /// <param name="options">Where plugins are, id rules, timeouts, per-plugin configuration.</param>
    /// <param name="loggerFactory">Where the host and the plugins log; nothing is logged when null.</param>
    /// <param name="hostServices">Services built-in plugins are created from and plugins may use (<see cref="PluginContext.HostServices"/>).</param>
    /// <param name="timeProvider">The clock of every timeout, debounce and rescan; the system's when null.</param>
    public PluginHost(PlugboardOptions options, ILoggerFactory? loggerFactory = null, IServiceProvider? hostServices = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.IdPrefix))
        {
            throw new ArgumentException("PlugboardOptions.IdPrefix must not be empty: it keeps third-party plugins from shadowing built-in ones.", nameof(options));
        }

        Options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<PluginHost>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _shared = new SharedAssemblies(options.SharedAssemblies);
        _pipeline = new PluginPipeline(options, _registries, _runtimes, _loggerFactory, hostServices, _timeProvider, _logger, args => Changed?.Invoke(this, args));
        AddRuntime(new AssemblyPluginRuntime(_shared));
    }

    /// <summary>The options the host runs with.</summary>
    public PlugboardOptions Options { get; }

    /// <summary>The plugins directory as an absolute path; null when there is none.</summary>
    public string? PluginsDirectory => Options.PluginsDirectory is null ? null : Path.GetFullPath(Options.PluginsDirectory);

    /// <summary>The status of every plugin the host knows: built-in, loaded, failed or waiting for a runtime.</summary>
    public IReadOnlyList<PluginStatus> Statuses =>
        _pipeline.EntriesByOrigin.Values.Select(e => e.Snapshot()).OrderBy(s => s.Id, StringComparer.Ordinal).ThenBy(s => s.Origin, StringComparer.Ordinal).ToList();

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
        _runtimes.Set(runtime);
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
        if (_pipeline.Owners.TryGetValue(id, out var owner))
        {
            return owner.Snapshot();
        }

        return _pipeline.EntriesByOrigin.Values.Where(e => e.Id == id).Select(e => e.Snapshot()).FirstOrDefault();
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
            await _pipeline.RunAsync(PluginCandidate.FromBuiltIn(builtIn), cancellationToken).ConfigureAwait(false);
        }

        var directory = PluginsDirectory;
        if (directory is not null)
        {
            if (!Directory.Exists(directory))
            {
                _logger.PluginsDirectoryMissing(directory);
            }

            // Watch before the first scan: a folder swapped in while the others load (e.g. by a sync on start) is
            // then reloaded rather than missed until its next change.
            if (Options.WatchForChanges)
            {
                Directory.CreateDirectory(directory);
                _watcher = new PluginDirectoryWatcher(directory, Options.ReloadDebounce, Options.RescanInterval, OnFolderChangedAsync, _logger, _timeProvider);
            }

            foreach (var folder in PluginDirectoryScanner.FindFolders(directory))
            {
                await _pipeline.RunAsync(PluginCandidate.ReadFolder(folder), cancellationToken).ConfigureAwait(false);
            }
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var statuses = Statuses;
            _logger.Started(
                statuses.Count(s => s.IsActive),
                statuses.Count(s => s.Phase == PluginPhase.Failed),
                statuses.Count(s => !s.IsActive && s.Phase != PluginPhase.Failed));
        }
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
        var entry = await _pipeline.RunAsync(PluginCandidate.ReadFolder(Path.GetFullPath(directory)), cancellationToken).ConfigureAwait(false);
        return entry.Snapshot();
    }

    /// <summary>
    /// Brings the host in line with its plugins directory now, as the watcher does after its debounce: loads every
    /// plugin folder that is new or whose files changed since the host last read it, and unloads the plugins whose
    /// folder is gone. Unchanged folders are left alone, so a later event for a folder handled here reloads nothing.
    /// Use it after replacing folders on purpose (e.g. a sync of remote sources) to know when the host has taken
    /// the change up.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting (loads already begun finish).</param>
    /// <remarks>Does nothing before the host starts (its start reads the whole directory) or after it stops.</remarks>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _state) != 1)
        {
            return;
        }

        if (PluginsDirectory is not { } directory)
        {
            return;
        }

        var present = PluginDirectoryScanner.FindFolders(directory);
        foreach (var folder in present)
        {
            await OnFolderChangedAsync(folder, cancellationToken).ConfigureAwait(false);
        }

        var root = Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
        var gone = _pipeline.EntriesByOrigin.Values
            .Where(e => !e.IsBuiltIn && e.Origin.StartsWith(root, StringComparison.Ordinal) && !present.Contains(e.Origin, StringComparer.Ordinal))
            .Select(e => e.Origin)
            .ToList();
        foreach (var folder in gone)
        {
            await OnFolderChangedAsync(folder, cancellationToken).ConfigureAwait(false);
        }
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
            await _pipeline.RunAsync(PluginCandidate.FromBuiltIn(_builtIns[id]), cancellationToken).ConfigureAwait(false);
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
        return await _pipeline.DeactivateAsync(entry, "unloaded on request", cancellationToken).ConfigureAwait(false);
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
        await _pipeline.StopAsync(cancellationToken).ConfigureAwait(false);
        _logger.Stopped();
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
        _pipeline.Owners.TryGetValue(id, out var entry)
            ? entry
            : throw new PluginNotAvailableException(id, $"no plugin has the id '{id}'; known ids: {string.Join(", ", _pipeline.Owners.Keys.Order(StringComparer.Ordinal))}.");

    private Task OnFolderChangedAsync(string folder) => OnFolderChangedAsync(folder, _stopping.Token);

    // Reloads a changed folder, unloads the plugin of a removed one; a folder whose files are as when last read is left alone.
    private async Task OnFolderChangedAsync(string folder, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _state) != 1)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        if (Directory.Exists(folder) && PluginDirectoryScanner.IsPluginFolder(folder))
        {
            // The fingerprint alone tells an unchanged folder: its manifest is read only when there is something to load.
            var fingerprint = PluginFolderFingerprint.Of(folder);
            if (_pipeline.EntriesByOrigin.TryGetValue(folder, out var known) && fingerprint is not null && known.Fingerprint == fingerprint)
            {
                _logger.FolderUnchanged(folder);
                return;
            }

            _logger.FolderChanged(folder);
            await _pipeline.RunAsync(PluginCandidate.ReadFolder(folder, fingerprint), linked.Token).ConfigureAwait(false);
        }
        else if (_pipeline.EntriesByOrigin.TryGetValue(folder, out var entry))
        {
            _logger.FolderRemoved(folder, entry.Id);
            await _pipeline.RemoveAsync(entry, "its folder was removed", linked.Token).ConfigureAwait(false);
        }
    }
}
