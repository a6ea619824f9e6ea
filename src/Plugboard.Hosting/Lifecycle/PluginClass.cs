using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting;

/// <summary>What the host needs to know about a plugin class: its config class and how to construct it.</summary>
internal static class PluginClass
{
    /// <summary>
    /// The class a plugin binds its configuration to: <see cref="PluginAttribute.ConfigType"/>, or else
    /// the type argument of <see cref="PluginBase{TConfig}"/>; null when neither applies.
    /// </summary>
    public static Type? ConfigTypeOf(Type pluginType)
    {
        var declared = pluginType.GetCustomAttribute<PluginAttribute>()?.ConfigType;
        if (declared is not null)
        {
            return declared;
        }

        for (var type = pluginType.BaseType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(PluginBase<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    /// <summary>
    /// Creates an instance through the richest public constructor it knows how to call:
    /// one taking a <see cref="PluginContext"/>, one taking an <see cref="ILogger"/>, or none.
    /// Exceptions thrown by the constructor propagate unwrapped.
    /// </summary>
    /// <exception cref="MissingMethodException">No usable constructor; the message says what to add.</exception>
    public static object Create(Type pluginType, PluginContext context)
    {
        var constructors = pluginType.GetConstructors();
        foreach (var (parameter, argument) in new (Type, object)[] { (typeof(PluginContext), context), (typeof(ILogger), context.Logger) })
        {
            var constructor = constructors.FirstOrDefault(c => c.GetParameters() is [{ } p] && p.ParameterType == parameter);
            if (constructor is not null)
            {
                return constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, [argument], culture: null);
            }
        }

        var parameterless = constructors.FirstOrDefault(c => c.GetParameters().Length == 0)
            ?? throw new MissingMethodException(
                $"{pluginType.FullName} has no public constructor the host can call; give it one taking nothing, a PluginContext or an ILogger.");
        return parameterless.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, [], culture: null);
    }
}
