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
internal sealed class PluginRegistry<TContract> : IPluginRegistry<TContract>, IContractRegistry
    where TContract : class
{
    private static readonly Func<PluginSlot, TContract> CreateProxy = ContractProxy<TContract>.Create;
    private readonly ConcurrentDictionary<string, PluginSlot> _slots = new(StringComparer.Ordinal);
    private readonly Func<string?> _pluginsDirectory;
    private readonly Func<string, PluginNotAvailableException> _notAvailable;

    public PluginRegistry(ContractDescriptor contract, Func<string?> pluginsDirectory)
    {
        Contract = contract;
        _pluginsDirectory = pluginsDirectory;
        _notAvailable = NotAvailable;
    }

    public ContractDescriptor Contract { get; }

    public string ContractId => Contract.Id;

    public IReadOnlyCollection<string> Ids => Entries.Where(e => e.Current is not null).Select(e => e.Id).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<PluginStatus> Statuses => Entries.Select(e => e.Snapshot()).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();

    public event EventHandler<PluginChangedEventArgs>? Changed;

    private IEnumerable<PluginEntry> Entries => _slots.Values.Select(s => s.Entry).OfType<PluginEntry>();

    public bool Exists(string id) => EntryOf(id)?.Current is not null;

    public TContract Get(string id) =>
        _slots.TryGetValue(id, out var slot) && slot.Entry?.Current is not null
            ? slot.Proxy(CreateProxy)
            : throw NotAvailable(id);

    public bool TryGet(string id, [NotNullWhen(true)] out TContract? plugin)
    {
        plugin = _slots.TryGetValue(id, out var slot) && slot.Entry?.Current is not null ? slot.Proxy(CreateProxy) : null;
        return plugin is not null;
    }

    public PluginLease<TContract> Acquire(string id)
    {
        var generation = Enter(id);
        return new PluginLease<TContract>(generation, (TContract)generation.Instance);
    }

    public PluginConfigType? GetConfigType(string id) => EntryOf(id)?.Current?.Loaded.ConfigType is { } type ? PluginConfigType.Of(type) : null;

    public PluginStatus GetStatus(string id) => EntryOf(id)?.Snapshot() ?? throw NotAvailable(id);

    /// <summary>Counts a call in on the plugin's current version.</summary>
    /// <exception cref="PluginNotAvailableException">The plugin is not active.</exception>
    public PluginGeneration Enter(string id) =>
        _slots.TryGetValue(id, out var slot) ? slot.Enter() : throw NotAvailable(id);

    /// <summary>The slot of an id, for routing objects (created when the id is first attached).</summary>
    public PluginSlot? SlotOf(string id) => _slots.GetValueOrDefault(id);

    public void Attach(PluginEntry entry) => _slots.GetOrAdd(entry.Id, static (id, notAvailable) => new PluginSlot(id, notAvailable), _notAvailable).Attach(entry);

    public void Detach(PluginEntry entry)
    {
        if (_slots.TryGetValue(entry.Id, out var slot))
        {
            slot.Detach(entry);
        }
    }

    public void RaiseChanged(PluginChangedEventArgs args) => Changed?.Invoke(this, args);

    private PluginEntry? EntryOf(string id) => _slots.TryGetValue(id, out var slot) ? slot.Entry : null;

    private PluginNotAvailableException NotAvailable(string id)
    {
        if (EntryOf(id) is { } entry)
        {
            var status = entry.Snapshot();
            var why = status.Error ?? status.Verification?.Reason ?? $"it is {status.Phase.ToString().ToLowerInvariant()}";
            return new PluginNotAvailableException(id, $"plugin '{id}' ({ContractId}) is not active: {why}");
        }

        var active = Ids;
        var known = active.Count == 0 ? "no plugin is active for it" : "active: " + string.Join(", ", active);
        var folder = _pluginsDirectory();
        return new PluginNotAvailableException(
            id,
            $"no plugin '{id}' for contract {ContractId} ({known}); check the id" +
            (folder is null ? ", and register the plugin or set a plugins folder." : $", and that its folder in {folder} has a plugin.yaml declaring {Contract.Name}."));
    }
}
