using System.Reflection;

namespace Plugboard.Hosting.Loading;

/// <summary>Turns what the runtime throws while loading a plugin into a sentence an operator can act on.</summary>
internal static class LoadFailureMessages
{
    /// <summary>Describes <paramref name="exception"/>, thrown while loading plugin <paramref name="pluginId"/> from <paramref name="directory"/>.</summary>
    public static string Describe(string pluginId, string directory, Exception exception)
    {
        var missing = FindMissingDependency(exception);
        if (missing is not null)
        {
            return MissingDependency(pluginId, directory, missing);
        }

        return exception switch
        {
            BadImageFormatException bad =>
                $"{pluginId}: '{FileName(bad.FileName)}' is not a valid .NET assembly ({bad.Message.TrimEnd('.')}); " +
                "the file is damaged or not built for .NET: rebuild and republish the plugin.",
            FileLoadException load =>
                $"{pluginId}: could not load '{ShortName(load.FileName)}': {load.Message.TrimEnd('.')}; republish the plugin with its dependencies (dotnet publish).",
            TypeLoadException typeLoad =>
                $"{pluginId}: type '{typeLoad.TypeName}' could not be loaded ({typeLoad.Message.TrimEnd('.')}); the plugin was probably built against " +
                "another major version of the contract or of a shared assembly: rebuild it against the host's version.",
            MissingMethodException missingMethod =>
                $"{pluginId}: {missingMethod.Message.TrimEnd('.')}; the plugin was probably built against an incompatible version of a shared assembly: rebuild it against the host's version.",
            _ => $"{pluginId}: {exception.GetType().Name}: {exception.Message}",
        };
    }

    /// <summary>The message for a dependency that is neither shared, private, nor part of the framework.</summary>
    public static string MissingDependency(string pluginId, string directory, string assemblyName) =>
        $"{pluginId}: could not load dependency '{ShortName(assemblyName)}': it is not in the plugin folder ({directory}); " +
        "publish the plugin with its dependencies (dotnet publish) or add it to the .deps.json.";

    private static string? FindMissingDependency(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case FileNotFoundException notFound when notFound.FileName is not null:
                    return notFound.FileName;
                case ReflectionTypeLoadException typeLoad:
                    foreach (var loaderException in typeLoad.LoaderExceptions)
                    {
                        var inner = FindMissingDependency(loaderException);
                        if (inner is not null)
                        {
                            return inner;
                        }
                    }

                    break;
            }
        }

        return null;
    }

    // "Foo, Version=2.0.0.0, Culture=neutral, PublicKeyToken=null" → "Foo, Version=2.0.0.0"
    private static string ShortName(string? assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName))
        {
            return "(unknown)";
        }

        try
        {
            var name = new AssemblyName(assemblyName);
            return name.Version is null ? name.Name ?? assemblyName : $"{name.Name}, Version={name.Version}";
        }
        catch (Exception ex) when (ex is ArgumentException or FileLoadException)
        {
            return assemblyName;
        }
    }

    private static string FileName(string? path) => string.IsNullOrEmpty(path) ? "(entry assembly)" : Path.GetFileName(path);
}
