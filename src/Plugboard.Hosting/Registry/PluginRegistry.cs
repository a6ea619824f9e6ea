using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Plugboard.Hosting;

/// <summary>What the host needs from a registry, whatever its contract type.</summary>
internal interface IContractRegistry
{
    ContractDescriptor Contract { get; }

    void Attach(PluginEntry entry);

    void Detach(PluginEntry entry);

    void RaiseChanged(PluginChangedEventArgs args);
}

/// <summary>The registry of one contract; the host attaches the entries that serve it.</summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
internal sealed class PluginRegistry<TContract>(ContractDescriptor contract, Func<string?> pluginsDirectory) : IPluginRegistry<TContract>, IContractRegistry
    where TContract : class
{
    private readonly ConcurrentDictionary<string, PluginEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TContract> _proxies = new(StringComparer.Ordinal);

    public ContractDescriptor Contract { get; } = contract;

    public string ContractId => Contract.Id;

    public IReadOnlyCollection<string> Ids => _entries.Values.Where(e => e.Current is not null).Select(e => e.Id).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<PluginStatus> Statuses => _entries.Values.Select(e => e.Snapshot()).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();

    public event EventHandler<PluginChangedEventArgs>? Changed;

    public bool Exists(string id) => _entries.TryGetValue(id, out var entry) && entry.Current is not null;

    public TContract Get(string id)
    {
        if (!Exists(id))
        {
            throw NotAvailable(id);
        }

        return _proxies.GetOrAdd(id, static (key, registry) => ContractProxy<TContract>.Create(registry, key), this);
    }

    public bool TryGet(string id, [NotNullWhen(true)] out TContract? plugin)
    {
        plugin = Exists(id) ? Get(id) : null;
        return plugin is not null;
    }

    public PluginLease<TContract> Acquire(string id)
    {
        var generation = Enter(id);
        return new PluginLease<TContract>(generation, (TContract)generation.Instance);
    }

    public Type? GetConfigType(string id) =>
        _entries.TryGetValue(id, out var entry) ? entry.Current?.Loaded.ConfigType : null;

    public PluginStatus GetStatus(string id) =>
        _entries.TryGetValue(id, out var entry)
            ? entry.Snapshot()
            : throw NotAvailable(id);

    /// <summary>Counts a call in on the plugin's current version.</summary>
    /// <exception cref="PluginNotAvailableException">The plugin is not active.</exception>
    public PluginGeneration Enter(string id) =>
        (_entries.TryGetValue(id, out var entry) ? entry.Enter() : null) ?? throw NotAvailable(id);

    public void Attach(PluginEntry entry) => _entries[entry.Id] = entry;

    public void Detach(PluginEntry entry) => ((ICollection<KeyValuePair<string, PluginEntry>>)_entries).Remove(new(entry.Id, entry));

    public void RaiseChanged(PluginChangedEventArgs args) => Changed?.Invoke(this, args);

    private PluginNotAvailableException NotAvailable(string id)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            var status = entry.Snapshot();
            var why = status.Error ?? status.Verification?.Reason ?? $"it is {status.Phase.ToString().ToLowerInvariant()}";
            return new PluginNotAvailableException(id, $"plugin '{id}' ({ContractId}) is not active: {why}");
        }

        var active = Ids;
        var known = active.Count == 0 ? "no plugin is active for it" : "active: " + string.Join(", ", active);
        var folder = pluginsDirectory();
        return new PluginNotAvailableException(
            id,
            $"no plugin '{id}' for contract {ContractId} ({known}); check the id" +
            (folder is null ? ", and register the plugin or set a plugins folder." : $", and that its folder in {folder} has a plugin.yaml declaring {Contract.Name}."));
    }
}
