using Microsoft.Extensions.Configuration;
using Plugboard.Cli.Console;
using Plugboard.Sources.Configuration;

namespace Plugboard.Cli.Configuration;

/// <summary>
/// The configuration the commands that touch sources and the cache read: a JSON or YAML file (the same
/// shape as a host's <c>appsettings.json</c>, section <c>Plugboard:Sources</c>) overlaid with environment
/// variables <c>PLUGBOARD__…</c>. Relative paths in the file are relative to the file.
/// </summary>
internal sealed class PlugboardConfiguration
{
    /// <summary>The configuration section bound to <see cref="PlugboardSourcesOptions"/>.</summary>
    public const string SourcesSection = "Plugboard:Sources";

    /// <summary>Names the configuration file when <c>--config</c> is not given; also passed to command plugins.</summary>
    public const string ConfigVariable = "PLUGBOARD_CONFIG";

    /// <summary>The file names looked for in the working directory, in this order.</summary>
    public static readonly IReadOnlyList<string> DefaultFileNames = ["plugboard.json", "plugboard.yaml", "plugboard.yml"];

    private const string EnvironmentPrefix = "PLUGBOARD__";

    private PlugboardConfiguration(string? file, IConfiguration configuration, PlugboardSourcesOptions sources)
    {
        File = file;
        Configuration = configuration;
        Sources = sources;
    }

    /// <summary>The configuration file read, or null when everything came from the environment.</summary>
    public string? File { get; }

    public IConfiguration Configuration { get; }

    /// <summary>The sources options, with relative paths resolved.</summary>
    public PlugboardSourcesOptions Sources { get; }

    /// <summary>The configuration file the commands would read: <paramref name="explicitFile"/>, <c>$PLUGBOARD_CONFIG</c>, or a default name in the working directory.</summary>
    /// <exception cref="CliException">The file named does not exist, or two default files exist.</exception>
    public static string? FindFile(string? explicitFile, CliEnvironment environment)
    {
        var named = explicitFile ?? (environment.Get(ConfigVariable) is { Length: > 0 } fromVariable ? fromVariable : null);
        if (named is not null)
        {
            var path = environment.ResolvePath(named);
            if (!System.IO.File.Exists(path))
            {
                var how = explicitFile is null ? $"${ConfigVariable} names" : "--config names";
                throw new CliException($"Configuration file '{path}' does not exist ({how} it). Give the path of a plugboard.json or plugboard.yaml file.");
            }

            return path;
        }

        var found = DefaultFileNames.Select(n => Path.Combine(environment.WorkingDirectory, n)).Where(System.IO.File.Exists).ToList();
        if (found.Count > 1)
        {
            throw new CliException($"Both {string.Join(" and ", found.Select(Path.GetFileName))} exist in '{environment.WorkingDirectory}'; keep one, or choose with --config FILE.");
        }

        return found.FirstOrDefault();
    }

    /// <summary>Reads the configuration and binds the sources options; fails when there is no configuration at all.</summary>
    /// <exception cref="CliException">No configuration, or a file that cannot be read or bound; the message names the file and the problem.</exception>
    public static PlugboardConfiguration Load(string? explicitFile, CliEnvironment environment)
    {
        var file = FindFile(explicitFile, environment);
        var variables = environment.Variables
            .Where(v => v.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(v => v.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), v => (string?)v.Value, StringComparer.OrdinalIgnoreCase);
        if (file is null && variables.Count == 0)
        {
            throw new CliException(
                $"No configuration found: there is no {string.Join(", ", DefaultFileNames)} in '{environment.WorkingDirectory}'. "
                + "Create one (see docs/guides/cli.md), pass --config FILE, or set PLUGBOARD__SOURCES__CACHEDIRECTORY and PLUGBOARD__SOURCES__SOURCES__0__… variables.");
        }

        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            var directory = Path.GetDirectoryName(file)!;
            var name = Path.GetFileName(file);
            if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddYamlFile(file);
            }
            else
            {
                builder.AddJsonFile(Path.Combine(directory, name), optional: false, reloadOnChange: false);
            }
        }

        // Environment variables come from CliEnvironment rather than the process, mapped as AddEnvironmentVariables maps them ("__" → ":").
        builder.AddInMemoryCollection(variables);

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            var detail = ex.InnerException is { } inner && ex is InvalidDataException ? $"{ex.Message} {inner.Message}" : ex.Message;
            throw new CliException($"Cannot read configuration file '{file}': {detail}", ExitCodes.Failure, ex);
        }

        var options = new PlugboardSourcesOptions();
        try
        {
            root.GetSection(SourcesSection).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            var where = file is null ? "the PLUGBOARD__ environment variables" : $"'{file}'";
            throw new CliException($"Configuration {where}, section {SourcesSection}: {ex.Message}{(ex.InnerException is { } inner ? " " + inner.Message : string.Empty)}", ExitCodes.Failure, ex);
        }

        ResolvePaths(options, file is null ? environment.WorkingDirectory : Path.GetDirectoryName(file)!);
        return new PlugboardConfiguration(file, root, options);
    }

    /// <summary>Loads the configuration and checks that it names a cache folder, for the commands that only read the cache.</summary>
    public static PlugboardConfiguration LoadForCache(string? explicitFile, CliEnvironment environment)
    {
        var configuration = Load(explicitFile, environment);
        if (string.IsNullOrWhiteSpace(configuration.Sources.CacheDirectory))
        {
            throw new CliException($"{configuration.Describe()} sets no {SourcesSection}:CacheDirectory: the folder where synced packages are cached. Add it.");
        }

        return configuration;
    }

    /// <summary>"Configuration file 'x'" or "The PLUGBOARD__ environment variables", for messages.</summary>
    public string Describe() => File is null ? "The PLUGBOARD__ environment variables" : $"Configuration file '{File}'";

    private static void ResolvePaths(PlugboardSourcesOptions options, string baseDirectory)
    {
        string? Resolve(string? path) => string.IsNullOrWhiteSpace(path) ? path : Path.GetFullPath(path, baseDirectory);

        options.CacheDirectory = Resolve(options.CacheDirectory) ?? string.Empty;
        options.LockFile = Resolve(options.LockFile);
        options.CurrentDirectory = Resolve(options.CurrentDirectory);
        foreach (var source in options.Sources)
        {
            source.Path = Resolve(source.Path);
            source.TrustedKeys = Resolve(source.TrustedKeys);
            source.CaBundle = Resolve(source.CaBundle);
            source.Credentials.TokenFile = Resolve(source.Credentials.TokenFile);

            // Settings of other source types (s3) that name files: accessKeyFile, secretKeyFile, caBundle, ….
            foreach (var key in source.Settings.Keys.Where(k => k.EndsWith("File", StringComparison.OrdinalIgnoreCase) || k.Equals("caBundle", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                source.Settings[key] = Resolve(source.Settings[key])!;
            }
        }
    }
}
