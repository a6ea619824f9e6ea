namespace Plugboard.Hosting;

/// <summary>
/// Creates the stable objects <see cref="IPluginRegistry{TContract}.Get"/> returns for one contract: each
/// call counts itself in flight on the plugin's current version, forwards, and counts itself out when it
/// has really finished (see <see cref="CallTracking"/>), so a hot reload never cuts a call short. They are
/// instances of a class compiled once for the contract (<see cref="ContractProxyEmitter"/>), which calls
/// the plugin directly; when the platform has no dynamic code or the contract has a shape that class
/// cannot take, they are the reflection-based <see cref="DispatchContractProxy{TContract}"/>.
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
internal static class ContractProxy<TContract> where TContract : class
{
    private static readonly Func<PluginSlot, TContract>? Compiled;

    static ContractProxy() =>
        Compiled = (Func<PluginSlot, TContract>?)ContractProxyEmitter.TryEmit(typeof(TContract), out NotCompiledBecause);

    /// <summary>Why the contract's routing objects are reflection-based; null when they are compiled.</summary>
    public static readonly string? NotCompiledBecause;

    /// <summary>Whether the contract's routing objects are compiled ones.</summary>
    public static bool IsCompiled => Compiled is not null;

    /// <summary>Creates the routing object of one plugin id.</summary>
    public static TContract Create(PluginSlot slot) =>
        Compiled is { } create ? create(slot) : DispatchContractProxy<TContract>.Create(slot);
}
