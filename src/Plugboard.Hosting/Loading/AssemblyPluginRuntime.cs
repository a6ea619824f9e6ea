using System.Reflection;
using System.Runtime.InteropServices;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;
using Plugboard.Manifests.Schema;

namespace Plugboard.Hosting.Loading;

/// <summary>
/// Runs <c>assembly</c> plugins in the host process, each version in its own collectible
/// <see cref="PluginLoadContext"/>: loads the manifest's entry assembly, finds the class marked
/// <c>[Plugin(id)]</c> with the manifest's id, checks it implements the declared contracts, binds its
/// typed configuration and constructs it.
/// </summary>
internal sealed class AssemblyPluginRuntime(SharedAssemblies shared) : IPluginRuntime
{
    private static readonly Lazy<HashSet<string>> FrameworkAssemblies = new(ReadFrameworkAssemblies);

    public PluginRuntimeKind Kind => PluginRuntimeKind.Assembly;

    public ValueTask<LoadedPlugin> LoadAsync(PluginLoadRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var manifest = request.Manifest;
        var id = manifest.Id;
        var directory = request.Directory;
        var entry = manifest.ResolveEntry()
            ?? throw new PluginLoadException(
                $"{id}: plugin.yaml has no entry for {RuntimeInformation.RuntimeIdentifier} nor a default one; add \"entry: {{ default: <YourPlugin>.dll }}\".");
        var entryPath = Path.GetFullPath(Path.Combine(directory, entry));
        if (!File.Exists(entryPath))
        {
            throw new PluginLoadException(
                $"{id}: the entry assembly '{entry}' is not in {directory}; publish the plugin into that folder (dotnet publish -o <folder>) or fix 'entry' in plugin.yaml.");
        }

        PluginLoadContext? context = null;
        try
        {
            context = CreateContext(id, manifest.Version.ToNormalizedString(), entryPath, directory);
            var assembly = LoadEntryAssembly(context, id, entryPath);
            CheckReferences(context, assembly, id, directory);
            var pluginType = FindPluginType(assembly, id, entry, request.Contracts);
            var configType = PluginClass.ConfigTypeOf(pluginType);
            var typedConfiguration = configType is null ? null : ConfigBinder.Bind(request.Configuration, configType);
            var pluginContext = new PluginContext
            {
                PluginId = id,
                Version = manifest.Version.ToNormalizedString(),
                Logger = request.Logger,
                Configuration = request.Configuration,
                TypedConfiguration = typedConfiguration,
                Stopping = request.Stopping,
                HostServices = request.HostServices,
            };

            object implementation;
            try
            {
                implementation = PluginClass.Create(pluginType, pluginContext);
            }
            catch (MissingMethodException ex) when (ex.Message.Contains("has no public constructor the host can call", StringComparison.Ordinal))
            {
                throw new PluginLoadException($"{id}: {ex.Message}");
            }
            catch (Exception ex) when (FindsNoMissingDependency(ex))
            {
                throw new PluginLoadException(
                    $"{id}: the constructor of {pluginType.FullName} threw {ex.GetType().Name}: {ex.Message.TrimEnd('.')}. Fix the plugin; the other plugins keep running.");
            }

            return new(new AssemblyLoadedPlugin(id, implementation, pluginContext, configType, context));
        }
        catch (Exception ex)
        {
            context?.Unload();
            if (ex is PluginLoadException)
            {
                throw;
            }

            if (ex is ConfigBindingException binding)
            {
                throw new PluginLoadException($"{id}: {binding.Message}");
            }

            throw new PluginLoadException(LoadFailureMessages.Describe(id, directory, ex));
        }
    }

    private PluginLoadContext CreateContext(string id, string version, string entryPath, string directory)
    {
        try
        {
            return new PluginLoadContext(id, version, entryPath, shared);
        }
        catch (InvalidOperationException ex)
        {
            var missing = DepsFile.FindMissingFiles(entryPath);
            var detail = missing.Count > 0
                ? $"it lists files that are not in the folder: {string.Join(", ", missing)}"
                : ex.Message.TrimEnd('.');
            throw new PluginLoadException(
                $"{id}: the plugin's dependency manifest ({Path.GetFileNameWithoutExtension(entryPath)}.deps.json) cannot be used: {detail}; " +
                $"publish the plugin with its dependencies (dotnet publish) into {directory}.");
        }
    }

    private static Assembly LoadEntryAssembly(PluginLoadContext context, string id, string entryPath)
    {
        try
        {
            return context.LoadEntry(entryPath);
        }
        catch (BadImageFormatException ex)
        {
            throw new PluginLoadException(
                $"{id}: '{Path.GetFileName(entryPath)}' is not a valid .NET assembly ({ex.Message.TrimEnd('.')}); the file is damaged or not built for .NET: rebuild and republish the plugin.");
        }
    }

    // Checks the entry assembly's direct references up front, so a missing dependency is reported by
    // name at load time rather than as a TypeLoadException at the first call.
    private static void CheckReferences(PluginLoadContext context, Assembly assembly, string id, string directory)
    {
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            if (context.ResolveShared(reference) is not null
                || context.ResolvePrivate(reference) is not null
                || (reference.Name is { } name && FrameworkAssemblies.Value.Contains(name)))
            {
                continue;
            }

            throw new PluginLoadException(LoadFailureMessages.MissingDependency(id, directory, reference.FullName));
        }
    }

    private static Type FindPluginType(Assembly assembly, string id, string entry, IReadOnlyList<Type> contracts)
    {
        // Loops over references rather than LINQ over (type, attribute) tuples: this runs for every plugin a host
        // starts, and generic code over value types is compiled at run time even in a ReadyToRun host.
        var markedIds = new List<string>();
        var matching = new List<Type>();
        foreach (var candidate in assembly.GetTypes())
        {
            if (candidate is { IsClass: true, IsAbstract: false } && candidate.GetCustomAttribute<PluginAttribute>() is { } attribute)
            {
                markedIds.Add(attribute.Id);
                if (attribute.Id == id)
                {
                    matching.Add(candidate);
                }
            }
        }

        if (matching.Count == 0)
        {
            var found = markedIds.Count == 0 ? "no class has [Plugin]" : "it has [Plugin] ids " + string.Join(", ", markedIds.Select(markedId => $"'{markedId}'"));
            throw new PluginLoadException(
                $"{id}: no class in {entry} is marked [Plugin(\"{id}\")] ({found}); the id in plugin.yaml and in the attribute must be the same.");
        }

        if (matching.Count > 1)
        {
            throw new PluginLoadException(
                $"{id}: several classes in {entry} are marked [Plugin(\"{id}\")] ({string.Join(", ", matching.Select(t => t.FullName))}); keep one.");
        }

        var type = matching[0];
        foreach (var contract in contracts)
        {
            if (contract.IsAssignableFrom(type))
            {
                continue;
            }

            var lookalike = type.GetInterfaces().FirstOrDefault(i => i.FullName == contract.FullName);
            if (lookalike is not null)
            {
                throw new PluginLoadException(
                    $"{id}: {type.FullName} implements its own copy of {contract.FullName} (from {lookalike.Assembly.GetName().Name}) instead of the host's; " +
                    $"add '{contract.Assembly.GetName().Name}' to the shared assemblies of the host.");
            }

            var implemented = type.GetInterfaces().Where(i => i.Assembly != typeof(IPlugin).Assembly && !i.Namespace!.StartsWith("System", StringComparison.Ordinal)).Select(i => i.FullName).ToList();
            throw new PluginLoadException(
                $"{id}: {type.FullName} does not implement {contract.FullName} ({ContractDescriptor.IdOf(contract)}), which plugin.yaml declares" +
                (implemented.Count > 0 ? $"; it implements {string.Join(", ", implemented)}" : string.Empty) +
                ". Implement the contract's interface or correct 'contracts' in plugin.yaml.");
        }

        return type;
    }

    private static bool FindsNoMissingDependency(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException)
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<string> ReadFrameworkAssemblies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        return names;
    }
}
