using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Plugboard.Hosting;

/// <summary>
/// Compiles, once per contract, the class of its routing objects. Each member of the contract (and of
/// the interfaces it extends, default members included) becomes, in IL:
/// <code>
/// var g = slot.Enter();                            // slot.EnterSynchronous() for synchronous results
/// try { result = Unsafe.As&lt;TContract&gt;(g.InstanceOf(typeof(TContract), ref verifiedSerial)).Member(args); }
/// finally { g.Exit(); }                            // synchronous results
/// fault { g.Exit(); }                              // tasks, value tasks, async sequences: then
/// return CallTracking.Track(result, g);
/// </code>
/// which costs an interface call and a few plain stores (see <see cref="SynchronousCalls"/>), or two
/// interlocked operations for asynchronous results, where reflection boxes every argument.
/// The class refers only to the contract's types and to this assembly's, never to a plugin's, so it
/// keeps no plugin's load context alive.
/// </summary>
internal static class ContractProxyEmitter
{
    private const MethodAttributes ImplementationAttributes =
        MethodAttributes.Private | MethodAttributes.HideBySig | MethodAttributes.NewSlot | MethodAttributes.Virtual | MethodAttributes.Final;

    private static readonly ConcurrentDictionary<AssemblyLoadContext, ProxyAssembly> Assemblies = new();
    private static readonly Lock EmitGate = new();
    private static readonly MethodInfo SlotEnter = typeof(PluginSlot).GetMethod(nameof(PluginSlot.Enter))!;
    private static readonly MethodInfo GenerationInstance = typeof(PluginGeneration).GetMethod(nameof(PluginGeneration.InstanceOf))!;
    private static readonly MethodInfo GenerationExit = typeof(PluginGeneration).GetMethod(nameof(PluginGeneration.Exit))!;
    private static readonly MethodInfo SlotEnterSynchronous = typeof(PluginSlot).GetMethod(nameof(PluginSlot.EnterSynchronous))!;
    private static readonly MethodInfo SynchronousInstance = typeof(SynchronousCall).GetMethod(nameof(SynchronousCall.InstanceOf))!;
    private static readonly MethodInfo SynchronousExit = typeof(SynchronousCall).GetMethod(nameof(SynchronousCall.Exit))!;
    private static readonly MethodInfo GetTypeFromHandle = typeof(Type).GetMethod(nameof(Type.GetTypeFromHandle))!;

    private enum ResultKind
    {
        /// <summary>Done when the method returns.</summary>
        Synchronous,
        Task,
        ObjectOrInterface,
        ValueTask,
        ValueTaskOf,
        AsyncEnumerable,

        /// <summary>One of the method's own type parameters: only known at run time.</summary>
        TypeParameter,
    }

    /// <summary>
    /// Compiles the routing class of <paramref name="contract"/> and returns a
    /// <c>Func&lt;PluginSlot, TContract&gt;</c> creating its instances; null, with the reason, when this
    /// platform or this contract calls for the reflection-based routing object instead.
    /// </summary>
    public static Delegate? TryEmit(Type contract, out string? whyNot)
    {
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            whyNot = "this platform does not run dynamically compiled code";
            return null;
        }

        var context = AssemblyLoadContext.GetLoadContext(contract.Assembly);
        if (context is null || context.IsCollectible || AssemblyLoadContext.GetLoadContext(typeof(PluginSlot).Assembly)?.IsCollectible != false)
        {
            // A compiled class would have to be collectible with them; reflection has no such tie.
            whyNot = $"{contract.Assembly.GetName().Name} or Plugboard.Hosting is in a collectible load context";
            return null;
        }

        try
        {
            lock (EmitGate)
            {
                var assembly = Assemblies.GetOrAdd(context, static c => new ProxyAssembly(c));
                whyNot = null;
                return assembly.Emit(contract);
            }
        }
        catch (Exception ex)
        {
            whyNot = $"{ex.GetType().Name}: {ex.Message}";
            return null;
        }
    }

    private static ResultKind Classify(Type returnType)
    {
        if (returnType == typeof(void) || returnType.IsByRef || returnType.IsPointer || returnType.IsFunctionPointer)
        {
            return ResultKind.Synchronous;
        }

        if (returnType.IsGenericParameter)
        {
            return ResultKind.TypeParameter;
        }

        var definition = returnType.IsGenericType ? returnType.GetGenericTypeDefinition() : null;
        if (returnType.IsValueType)
        {
            return returnType == typeof(ValueTask) ? ResultKind.ValueTask
                : definition == typeof(ValueTask<>) ? ResultKind.ValueTaskOf
                : ResultKind.Synchronous;
        }

        if (typeof(Task).IsAssignableFrom(returnType))
        {
            return ResultKind.Task;
        }

        if (definition == typeof(IAsyncEnumerable<>))
        {
            return ResultKind.AsyncEnumerable;
        }

        // An object or an interface may be a task at run time, which reflection-based routing tracks too;
        // any other class cannot be one.
        return returnType.IsInterface || returnType == typeof(object) ? ResultKind.ObjectOrInterface : ResultKind.Synchronous;
    }

    /// <summary>Replaces the interface method's type parameters in <paramref name="type"/> with the implementation's.</summary>
    private static Type Substitute(Type type, Type[] typeParameters)
    {
        if (typeParameters.Length == 0 || !type.ContainsGenericParameters)
        {
            return type;
        }

        if (type.IsGenericMethodParameter)
        {
            return typeParameters[type.GenericParameterPosition];
        }

        if (type.IsByRef)
        {
            return Substitute(type.GetElementType()!, typeParameters).MakeByRefType();
        }

        if (type.IsPointer)
        {
            return Substitute(type.GetElementType()!, typeParameters).MakePointerType();
        }

        if (type.IsArray)
        {
            var element = Substitute(type.GetElementType()!, typeParameters);
            return type.IsSZArray ? element.MakeArrayType() : element.MakeArrayType(type.GetArrayRank());
        }

        if (type.IsGenericType)
        {
            return type.GetGenericTypeDefinition().MakeGenericType(type.GetGenericArguments().Select(a => Substitute(a, typeParameters)).ToArray());
        }

        throw new NotSupportedException($"the type {type} cannot be rewritten for a generic method");
    }

    private static void EmitLoadArgument(ILGenerator il, int index)
    {
        switch (index)
        {
            case 1: il.Emit(OpCodes.Ldarg_1); break;
            case 2: il.Emit(OpCodes.Ldarg_2); break;
            case 3: il.Emit(OpCodes.Ldarg_3); break;
            case <= byte.MaxValue: il.Emit(OpCodes.Ldarg_S, (byte)index); break;
            default: il.Emit(OpCodes.Ldarg, (short)index); break;
        }
    }

    /// <summary>
    /// One dynamic assembly per load context holding contracts, so the types the compiled classes name
    /// resolve as the contract's own context resolves them.
    /// </summary>
    private sealed class ProxyAssembly
    {
        private static int _count;
        private readonly AssemblyBuilder _assembly;
        private readonly ModuleBuilder _module;
        private readonly HashSet<string> _accessible = new(StringComparer.Ordinal);
        private readonly ConstructorInfo _ignoresAccessChecksTo;
        private int _types;

        public ProxyAssembly(AssemblyLoadContext context)
        {
            var name = $"Plugboard.ContractProxies.{Interlocked.Increment(ref _count)}";
            using (context.EnterContextualReflection())
            {
                _assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), AssemblyBuilderAccess.Run);
            }

            _module = _assembly.DefineDynamicModule(name);
            _ignoresAccessChecksTo = DefineIgnoresAccessChecksTo();
            AllowAccessTo(typeof(PluginSlot).Assembly);
        }

        public Delegate Emit(Type contract)
        {
            var interfaces = new[] { contract }.Concat(contract.GetInterfaces()).ToList();
            AllowAccessTo(contract);
            var type = _module.DefineType(
                $"Plugboard.ContractProxies.{contract.Name}Proxy{++_types}",
                TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
                typeof(object),
                interfaces.ToArray());
            var slot = type.DefineField("_slot", typeof(PluginSlot), FieldAttributes.Private | FieldAttributes.InitOnly);
            var verified = type.DefineField("_verifiedSerial", typeof(long), FieldAttributes.Private);
            var constructor = DefineConstructor(type, slot);

            foreach (var declaring in interfaces)
            {
                foreach (var method in declaring.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    // Private members are the interface's own helpers or its explicit overrides of a base
                    // interface's members, which are implemented where that base interface is.
                    if (method.IsVirtual && !method.IsFinal && !method.IsPrivate)
                    {
                        ImplementMethod(type, slot, verified, contract, declaring, method);
                    }
                }
            }

            var factoryType = typeof(Func<,>).MakeGenericType(typeof(PluginSlot), contract);
            var create = type.DefineMethod("Create", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig, contract, [typeof(PluginSlot)]);
            var il = create.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Newobj, constructor);
            il.Emit(OpCodes.Ret);

            var created = type.CreateType();
            return created.GetMethod(create.Name)!.CreateDelegate(factoryType);
        }

        private static ConstructorBuilder DefineConstructor(TypeBuilder type, FieldInfo slot)
        {
            var constructor = type.DefineConstructor(MethodAttributes.Public | MethodAttributes.HideBySig, CallingConventions.Standard, [typeof(PluginSlot)]);
            var il = constructor.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Stfld, slot);
            il.Emit(OpCodes.Ret);
            return constructor;
        }

        private void ImplementMethod(TypeBuilder type, FieldInfo slot, FieldInfo verified, Type contract, Type declaring, MethodInfo method)
        {
            if ((method.CallingConvention & CallingConventions.VarArgs) != 0)
            {
                throw new NotSupportedException($"{declaring}.{method.Name} takes variable arguments");
            }

            if (!method.IsPublic)
            {
                AllowAccessTo(declaring.Assembly);
            }

            var implementation = type.DefineMethod($"{declaring}.{method.Name}", ImplementationAttributes, CallingConventions.HasThis);
            Type[] typeParameters = [];
            if (method.IsGenericMethodDefinition)
            {
                typeParameters = DefineTypeParameters(implementation, method);
            }

            var parameters = method.GetParameters();
            var returnType = Substitute(method.ReturnType, typeParameters);
            var parameterTypes = parameters.Select(p => Substitute(p.ParameterType, typeParameters)).ToArray();
            foreach (var used in parameters.Select(p => p.ParameterType).Append(method.ReturnType))
            {
                AllowAccessTo(used);
            }

            implementation.SetSignature(
                returnType,
                method.ReturnParameter.GetRequiredCustomModifiers(),
                method.ReturnParameter.GetOptionalCustomModifiers(),
                parameterTypes,
                parameters.Select(p => p.GetRequiredCustomModifiers()).ToArray(),
                parameters.Select(p => p.GetOptionalCustomModifiers()).ToArray());
            for (var i = 0; i < parameters.Length; i++)
            {
                implementation.DefineParameter(i + 1, parameters[i].Attributes & (ParameterAttributes.In | ParameterAttributes.Out), parameters[i].Name);
            }

            type.DefineMethodOverride(implementation, method);

            // Fully optimized from the first call: tiering can hold a method at its first, unoptimized
            // compilation for long while a process keeps compiling other code (a host loading plugins),
            // and unoptimized, none of the small members it calls is inlined.
            implementation.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);

            var kind = Classify(method.ReturnType);
            if (kind == ResultKind.TypeParameter && (method.ReturnType.GenericParameterAttributes & GenericParameterAttributes.AllowByRefLike) != 0)
            {
                throw new NotSupportedException($"{declaring}.{method.Name} returns a type parameter that allows ref structs, which cannot be tracked as an object");
            }

            var target = method.IsGenericMethodDefinition ? method.MakeGenericMethod(typeParameters) : method;
            var il = implementation.GetILGenerator();
            var synchronous = kind == ResultKind.Synchronous;
            var call = il.DeclareLocal(synchronous ? typeof(SynchronousCall) : typeof(PluginGeneration));
            var result = returnType == typeof(void) ? null : il.DeclareLocal(returnType);

            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, slot);
            il.Emit(OpCodes.Call, synchronous ? SlotEnterSynchronous : SlotEnter);
            il.Emit(OpCodes.Stloc, call);

            il.BeginExceptionBlock();
            // The instance is checked to implement the contract once per generation (InstanceOf), not
            // cast on every call: the interface call below takes it as it is.
            il.Emit(synchronous ? OpCodes.Ldloca : OpCodes.Ldloc, call);
            il.Emit(OpCodes.Ldtoken, contract);
            il.Emit(OpCodes.Call, GetTypeFromHandle);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldflda, verified);
            il.Emit(OpCodes.Call, synchronous ? SynchronousInstance : GenerationInstance);
            for (var i = 1; i <= parameters.Length; i++)
            {
                EmitLoadArgument(il, i);
            }

            il.Emit(OpCodes.Callvirt, target);
            if (result is not null)
            {
                il.Emit(OpCodes.Stloc, result);
            }

            if (synchronous)
            {
                il.BeginFinallyBlock();
                il.Emit(OpCodes.Ldloca, call);
                il.Emit(OpCodes.Call, SynchronousExit);
            }
            else
            {
                // Only when the call throws: otherwise the result's completion releases the count.
                il.BeginFaultBlock();
                il.Emit(OpCodes.Ldloc, call);
                il.Emit(OpCodes.Call, GenerationExit);
            }

            il.EndExceptionBlock();

            EmitReturn(il, kind, method.ReturnType, returnType, typeParameters, result, call);
        }

        private static void EmitReturn(ILGenerator il, ResultKind kind, Type declaredReturnType, Type returnType, Type[] typeParameters, LocalBuilder? result, LocalBuilder generation)
        {
            switch (kind)
            {
                case ResultKind.Synchronous:
                    break;
                case ResultKind.Task:
                    il.Emit(OpCodes.Ldloc, result!);
                    il.Emit(OpCodes.Ldloc, generation);
                    il.Emit(OpCodes.Call, Tracking(nameof(CallTracking.ReleaseTaskWhenDone)));
                    break;
                case ResultKind.ObjectOrInterface:
                    il.Emit(OpCodes.Ldloc, result!);
                    il.Emit(OpCodes.Ldloc, generation);
                    il.Emit(OpCodes.Call, Tracking(nameof(CallTracking.ReleaseIfTaskWhenDone)));
                    break;
                case ResultKind.ValueTask:
                    EmitReplaceResult(il, Tracking(nameof(CallTracking.TrackValueTask)), result!, generation);
                    break;
                case ResultKind.ValueTaskOf:
                    EmitReplaceResult(il, Tracking(nameof(CallTracking.TrackValueTaskOf), declaredReturnType, typeParameters), result!, generation);
                    break;
                case ResultKind.AsyncEnumerable:
                    EmitReplaceResult(il, Tracking(nameof(CallTracking.TrackAsyncEnumerable), declaredReturnType, typeParameters), result!, generation);
                    break;
                case ResultKind.TypeParameter:
                    il.Emit(OpCodes.Ldtoken, returnType);
                    il.Emit(OpCodes.Call, GetTypeFromHandle);
                    il.Emit(OpCodes.Ldloc, result!);
                    il.Emit(OpCodes.Box, returnType);
                    il.Emit(OpCodes.Ldloc, generation);
                    il.Emit(OpCodes.Call, typeof(CallTracking).GetMethod(nameof(CallTracking.ReleaseWhenDone))!);
                    il.Emit(OpCodes.Unbox_Any, returnType);
                    il.Emit(OpCodes.Stloc, result!);
                    break;
            }

            if (result is not null)
            {
                il.Emit(OpCodes.Ldloc, result);
            }

            il.Emit(OpCodes.Ret);
        }

        private static void EmitReplaceResult(ILGenerator il, MethodInfo track, LocalBuilder result, LocalBuilder generation)
        {
            il.Emit(OpCodes.Ldloc, result);
            il.Emit(OpCodes.Ldloc, generation);
            il.Emit(OpCodes.Call, track);
            il.Emit(OpCodes.Stloc, result);
        }

        private static MethodInfo Tracking(string name) => typeof(CallTracking).GetMethod(name)!;

        private static MethodInfo Tracking(string name, Type declaredReturnType, Type[] typeParameters) =>
            Tracking(name).MakeGenericMethod(Substitute(declaredReturnType.GetGenericArguments()[0], typeParameters));

        private static GenericTypeParameterBuilder[] DefineTypeParameters(MethodBuilder implementation, MethodInfo method)
        {
            var declared = method.GetGenericArguments();
            var defined = implementation.DefineGenericParameters(declared.Select(p => p.Name).ToArray());
            for (var i = 0; i < declared.Length; i++)
            {
                defined[i].SetGenericParameterAttributes(declared[i].GenericParameterAttributes & ~GenericParameterAttributes.VarianceMask);
                var constraints = declared[i].GetGenericParameterConstraints();
                var baseType = constraints.FirstOrDefault(c => !c.IsInterface);
                if (baseType is not null)
                {
                    defined[i].SetBaseTypeConstraint(Substitute(baseType, defined));
                }

                defined[i].SetInterfaceConstraints(constraints.Where(c => c.IsInterface).Select(c => Substitute(c, defined)).ToArray());
            }

            return defined;
        }

        /// <summary>Lets the compiled classes use non-public types: this assembly's, or a contract's.</summary>
        private void AllowAccessTo(Type type)
        {
            if (type.HasElementType)
            {
                AllowAccessTo(type.GetElementType()!);
                return;
            }

            if (type.IsGenericParameter)
            {
                return;
            }

            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    AllowAccessTo(argument);
                }

                type = type.GetGenericTypeDefinition();
            }

            if (!type.IsVisible)
            {
                AllowAccessTo(type.Assembly);
            }
        }

        private void AllowAccessTo(Assembly assembly)
        {
            var name = assembly.GetName().Name!;
            if (_accessible.Add(name))
            {
                _assembly.SetCustomAttribute(new CustomAttributeBuilder(_ignoresAccessChecksTo, [name]));
            }
        }

        /// <summary>
        /// The runtime honours <c>IgnoresAccessChecksToAttribute</c> from any assembly that defines it;
        /// the compiled classes need it to reach this assembly's internal types.
        /// </summary>
        private ConstructorInfo DefineIgnoresAccessChecksTo()
        {
            var attribute = _module.DefineType(
                "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute",
                TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
                typeof(Attribute));
            var constructor = attribute.DefineConstructor(MethodAttributes.Public | MethodAttributes.HideBySig, CallingConventions.Standard, [typeof(string)]);
            var il = constructor.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(Attribute).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!);
            il.Emit(OpCodes.Ret);
            return attribute.CreateType().GetConstructor([typeof(string)])!;
        }
    }
}
