using System.Reflection;

namespace Plugboard.Hosting;

/// <summary>
/// The stable object <see cref="IPluginRegistry{TContract}.Get"/> returns: each call looks up the
/// plugin's current version, counts itself in flight on it, forwards, and counts itself out when the
/// call has finished (see <see cref="CallTracking"/>), so a hot reload never cuts a call short.
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
internal class ContractProxy<TContract> : DispatchProxy where TContract : class
{
    private PluginRegistry<TContract> _registry = null!;
    private string _id = null!;

    public static TContract Create(PluginRegistry<TContract> registry, string id)
    {
        var proxy = Create<TContract, ContractProxy<TContract>>();
        var self = (ContractProxy<TContract>)(object)proxy;
        self._registry = registry;
        self._id = id;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var generation = _registry.Enter(_id);
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
