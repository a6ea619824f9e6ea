using System.Reflection;

namespace Plugboard.Hosting;

/// <summary>
/// The reflection-based routing object, for contracts <see cref="ContractProxyEmitter"/> cannot compile a
/// class for and for platforms without dynamic code: each call counts itself in on the plugin's current
/// version, forwards through <see cref="MethodBase.Invoke(object, BindingFlags, Binder, object[], System.Globalization.CultureInfo)"/>
/// and counts itself out when it has finished (see <see cref="CallTracking"/>).
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
internal class DispatchContractProxy<TContract> : DispatchProxy where TContract : class
{
    private PluginSlot _slot = null!;

    public static TContract Create(PluginSlot slot)
    {
        var proxy = Create<TContract, DispatchContractProxy<TContract>>();
        ((DispatchContractProxy<TContract>)(object)proxy)._slot = slot;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var generation = _slot.Enter();
        object? result;
        try
        {
            result = targetMethod.Invoke(generation.Instance, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
        }
        catch
        {
            generation.Exit();
            throw;
        }

        return CallTracking.ReleaseWhenDone(targetMethod.ReturnType, result, generation);
    }
}
