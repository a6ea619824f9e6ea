using Microsoft.Extensions.Logging.Abstractions;
using NuGet.Versioning;
using Plugboard.Cli.CommandPlugins.Fetching;
using Plugboard.Cli.CommandPlugins.Hooks;
using Plugboard.Cli.CommandPlugins.Receipts;
using Plugboard.Cli.Configuration;
using Plugboard.Cli.Console;
using Plugboard.Cli.Packages;
using Plugboard.Manifests;
using Plugboard.Packaging;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// Installs, updates and removes command plugins in the plugins folder. Every source goes the same way: it is
/// fetched into a hidden folder (downloaded, cloned or copied from the cache), packed or verified, extracted
/// safely into a hidden staging folder, checked, its hook run there, its receipt written, and only then renamed
/// into <c>plugins/NAME</c>. A failure at any step leaves the plugins folder as it was.
/// </summary>
internal sealed class CommandPluginInstaller(CliEnvironment environment, IReadOnlyCollection<string> builtInCommands, TextWriter messages, TimeProvider time)
{
    private string PluginsDirectory => environment.PluginsDirectory;

    private PluginHookRunner Hooks => new(environment, messages, time);

    public async Task<InstallResult> InstallAsync(string source, InstallOptions options, CancellationToken cancellationToken)
    {
        var location = PluginSourceLocation.Parse(source, environment);
        var staged = await StageAsync(location, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var target = Path.Combine(PluginsDirectory, staged.Name);
            if (Directory.Exists(target) || File.Exists(target))
            {
                var installed = CommandPluginCatalog.ReadInstalled(target);
                // Installed by id, the SOURCE is the name: the two hints would be the same command.
                var replace = source == staged.Name ? string.Empty : $", or 'plugboard plugin update {source}' to replace it with this one";
                throw new CliException($"Command plugin '{staged.Name}' is already installed{(installed.Version is { } v ? $" (version {v})" : string.Empty)} in '{target}'. Use 'plugboard plugin update {staged.Name}' to update it from where it came{replace}.");
            }

            await Hooks.RunAsync(PluginHookKind.Install, staged.Plugin, staged.Directory, target, null, cancellationToken).ConfigureAwait(false);
            await staged.Receipt.WriteAsync(staged.Directory, cancellationToken).ConfigureAwait(false);
            Directory.Move(staged.Directory, target);
            return new InstallResult(CommandPluginCatalog.ReadInstalled(target), null, staged.Receipt, Changed: true);
        }
        finally
        {
            DeleteQuietly(staged.WorkDirectory);
        }
    }

    /// <summary>Replaces an installed plugin with the one <paramref name="source"/> names; refuses a downgrade unless <paramref name="force"/>.</summary>
    public async Task<InstallResult> UpdateFromAsync(string source, InstallOptions options, bool force, CancellationToken cancellationToken)
    {
        var location = PluginSourceLocation.Parse(source, environment);
        var staged = await StageAsync(location, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var target = Path.Combine(PluginsDirectory, staged.Name);
            if (!Directory.Exists(target))
            {
                throw new CliException($"Command plugin '{staged.Name}' is not installed. Use 'plugboard plugin install {source}'.");
            }

            var previous = CommandPluginCatalog.ReadInstalled(target).Manifest?.Version;
            if (previous is not null && staged.Plugin.Manifest!.Version < previous && !force)
            {
                throw new CliException($"Refusing to downgrade command plugin '{staged.Name}' from {previous.ToFullString()} to {staged.Plugin.Version}. Pass --force to downgrade on purpose.");
            }

            return await SwapAsync(staged, target, previous, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DeleteQuietly(staged.WorkDirectory);
        }
    }

    /// <summary>
    /// Fetches an installed plugin again from the source its receipt records and installs what it finds only when
    /// its version is higher (for git, when the ref moved to such a version); otherwise reports it up to date.
    /// With <paramref name="newRef"/>, a git-installed plugin is fetched at that ref instead and moves to it only
    /// when the version found there is higher; its receipt then records the new ref.
    /// </summary>
    public async Task<InstallResult> UpdateInstalledAsync(string name, InstallOptions options, CancellationToken cancellationToken, string? newRef = null)
    {
        CommandPluginName.Check(name);
        var target = Path.Combine(PluginsDirectory, name);
        if (!File.Exists(Path.Combine(target, PluginManifest.FileName)))
        {
            throw new CliException($"Command plugin '{name}' is not installed in '{PluginsDirectory}'. 'plugboard plugin list' shows the installed plugins.");
        }

        var installed = CommandPluginCatalog.ReadInstalled(target);
        var receipt = InstallReceipt.Read(target)
            ?? throw new CliException($"Command plugin '{name}' has no receipt saying where it came from (it was installed by an older plugboard). Update it from a source with 'plugboard plugin update SOURCE', or reinstall it.");
        if (receipt.Pinned && options.Fetch.Sha256 is null)
        {
            options = options with { Fetch = options.Fetch with { Sha256 = receipt.Digest?.Replace(PackageDigest.Prefix, string.Empty, StringComparison.Ordinal) } };
        }

        var location = PluginSourceLocation.FromReceipt(receipt);
        if (newRef is not null)
        {
            if (receipt.Kind != PluginSourceKind.Git)
            {
                throw CliException.Usage($"--ref applies to plugins installed from git; '{name}' came from {receipt.Location} ({receipt.Kind.ToString().ToLowerInvariant()}). Update it without --ref, or install it from a git URL@REF.");
            }

            location = location with { Ref = newRef };
        }

        var staged = await StageAsync(location, options, cancellationToken).ConfigureAwait(false);
        try
        {
            if (staged.Name != name)
            {
                throw new CliException($"'{receipt.Location}' now holds the plugin '{staged.Name}', not '{name}'; nothing was changed.");
            }

            var previous = installed.Manifest?.Version;
            var offered = staged.Plugin.Manifest!.Version;
            if (previous is not null && offered <= previous)
            {
                return new InstallResult(installed, previous.ToFullString(), staged.Receipt, Changed: false);
            }

            return await SwapAsync(staged, target, previous, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DeleteQuietly(staged.WorkDirectory);
        }
    }

    /// <summary>The installed plugins that have a receipt, by name.</summary>
    public IReadOnlyList<string> Updatable()
        => [.. new CommandPluginCatalog(environment).ListInstalled()
            .Where(p => p.Directory is not null && InstallReceipt.Read(p.Directory) is not null)
            .Select(p => p.Name)];

    public async Task<CommandPlugin> UninstallAsync(string name, CancellationToken cancellationToken)
    {
        CommandPluginName.Check(name);
        var target = Path.Combine(PluginsDirectory, name);
        if (!Directory.Exists(target))
        {
            var onPath = new CommandPluginCatalog(environment).Find(name);
            var hint = onPath?.Origin == CommandPluginOrigin.Path
                ? $" '{onPath.Executable}' on PATH provides this command, but plugboard does not manage it: remove that file yourself."
                : " 'plugboard plugin list' shows the installed plugins.";
            throw new CliException($"Command plugin '{name}' is not installed in '{PluginsDirectory}'.{hint}");
        }

        var plugin = CommandPluginCatalog.ReadInstalled(target);
        await Hooks.RunAsync(PluginHookKind.Uninstall, plugin, target, target, null, cancellationToken).ConfigureAwait(false);

        // Renamed first so a half-deleted folder is never taken for a plugin.
        var removing = Path.Combine(PluginsDirectory, $".{name}.removing-{Guid.NewGuid():N}");
        Directory.Move(target, removing);
        Directory.Delete(removing, recursive: true);
        return plugin;
    }

    private async Task<InstallResult> SwapAsync(StagedPlugin staged, string target, NuGetVersion? previous, CancellationToken cancellationToken)
    {
        await Hooks.RunAsync(PluginHookKind.Update, staged.Plugin, staged.Directory, target, previous?.ToFullString(), cancellationToken).ConfigureAwait(false);
        await staged.Receipt.WriteAsync(staged.Directory, cancellationToken).ConfigureAwait(false);

        // Both folders are complete before the swap; the swap is two renames in one folder, undone if the second fails.
        var old = Path.Combine(PluginsDirectory, $".{staged.Name}.old-{Guid.NewGuid():N}");
        Directory.Move(target, old);
        try
        {
            Directory.Move(staged.Directory, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }

        DeleteQuietly(old);
        return new InstallResult(CommandPluginCatalog.ReadInstalled(target), previous?.ToFullString(), staged.Receipt, Changed: true);
    }

    private async Task<StagedPlugin> StageAsync(PluginSourceLocation location, InstallOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(PluginsDirectory);
        var work = Path.Combine(PluginsDirectory, $".staging-{Guid.NewGuid():N}");
        var staging = Path.Combine(work, "plugin");
        Directory.CreateDirectory(work);
        try
        {
            var fetched = await FetchAsync(location, options, work, staging, cancellationToken).ConfigureAwait(false);
            var manifest = await ManifestReader.ReadFileAsync(staging, cancellationToken).ConfigureAwait(false);
            var plugin = Check(manifest, location.ToString(), staging);
            var receipt = new InstallReceipt(
                manifest.Id, manifest.Version.ToFullString(), location.Kind, location.Location, location.Ref,
                fetched.Commit, fetched.Digest, options.Fetch.Sha256 is not null && location.Kind == PluginSourceKind.Url, fetched.SourceName, time.GetUtcNow());
            return new StagedPlugin(manifest.Id, plugin, staging, work, receipt);
        }
        catch
        {
            DeleteQuietly(work);
            throw;
        }
    }

    private async Task<Fetched> FetchAsync(PluginSourceLocation location, InstallOptions options, string work, string staging, CancellationToken cancellationToken)
    {
        switch (location.Kind)
        {
            case PluginSourceKind.Folder:
                return new Fetched((await StageFolderAsync(location.Location, staging, cancellationToken).ConfigureAwait(false)).Value, null, null);

            case PluginSourceKind.Package:
                return new Fetched((await StagePackageAsync(location.Location, staging, options, options.ExpectedDigest, cancellationToken).ConfigureAwait(false)).Value, null, null);

            case PluginSourceKind.Url:
                var uri = new Uri(location.Location);
                var file = Path.Combine(work, "download" + (PluginArchive.IsArchiveName(uri.AbsolutePath) ? Path.GetExtension(uri.AbsolutePath) : PackageFormat.Extension));
                var sha256 = await PluginDownload.DownloadAsync(uri, file, options.Fetch, messages, cancellationToken).ConfigureAwait(false);
                if (PluginArchive.IsArchiveName(uri.AbsolutePath))
                {
                    var root = await PluginArchive.ExtractAsync(file, location.Location, Path.Combine(work, "archive"), cancellationToken).ConfigureAwait(false);
                    await StageFolderAsync(root, staging, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await StagePackageAsync(file, staging, options, PackageDigest.Parse(PackageDigest.Prefix + sha256), cancellationToken).ConfigureAwait(false);
                }

                return new Fetched(PackageDigest.Prefix + sha256, null, null);

            case PluginSourceKind.Git:
                var clone = Path.Combine(work, "clone");
                var commit = await GitCheckout.CloneAsync(location.Location, location.Ref, options.Fetch, clone, messages, time, cancellationToken).ConfigureAwait(false);
                await StageFolderAsync(clone, staging, cancellationToken).ConfigureAwait(false);
                return new Fetched(null, commit, null);

            default:
                return await FetchFromCacheAsync(location.Location, options, work, staging, cancellationToken).ConfigureAwait(false);
        }
    }

    // The cache holds what 'plugboard sync' fetched, verified and locked; the package is checked against its recorded digest again.
    private async Task<Fetched> FetchFromCacheAsync(string id, InstallOptions options, string work, string staging, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Load(options.ConfigFile, environment);
        using var runtime = SourcesRuntime.Create(configuration, NullLoggerFactory.Instance);
        var index = await runtime.Cache.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var entry = index.Entries
            .Where(e => e.Id == id && NuGetVersion.TryParse(e.Version, out _))
            .OrderByDescending(e => NuGetVersion.Parse(e.Version))
            .FirstOrDefault();
        if (entry is null)
        {
            var where = configuration.File is { } file ? $"the sources of '{file}'" : "the configured sources";
            throw new CliException($"'{id}' is not a folder or file here, and no plugin '{id}' is in the cache of {where} ({runtime.Cache.CacheDirectory}). Run 'plugboard sync' first if a source publishes it, or give a folder, a .pbpkg, a URL or a git repository.");
        }

        var package = Path.Combine(work, "cached" + PackageFormat.Extension);
        await runtime.Cache.Blobs.CopyToAsync(entry.PackageDigest, package, cancellationToken).ConfigureAwait(false);
        await StagePackageAsync(package, staging, options, entry.PackageDigest, cancellationToken).ConfigureAwait(false);
        return new Fetched(entry.Digest, null, entry.Source);
    }

    private async Task<PackageDigest> StageFolderAsync(string folder, string staging, CancellationToken cancellationToken)
    {
        // Packing refuses links and non-portable names and sets execute bits from the manifest, exactly as for a published package.
        var package = Path.Combine(Path.GetDirectoryName(staging)!, $"pack-{Guid.NewGuid():N}{PackageFormat.Extension}");
        try
        {
            var info = await PackageWriter.PackAsync(folder, package, cancellationToken: cancellationToken).ConfigureAwait(false);
            await PackageExtractor.ExtractAsync(package, staging, expectedDigest: info.Digest, cancellationToken: cancellationToken).ConfigureAwait(false);
            return info.Digest;
        }
        finally
        {
            File.Delete(package);
        }
    }

    private async Task<PackageDigest> StagePackageAsync(string package, string staging, InstallOptions options, PackageDigest? expectedDigest, CancellationToken cancellationToken)
    {
        var (store, _) = await TrustStoreLoader.LoadAsync(options.Trust, environment, cancellationToken).ConfigureAwait(false);
        var verification = await PackageVerifier.VerifyAsync(
            package,
            new VerificationOptions { TrustStore = store, RequireSignature = options.RequireSignature, ExpectedDigest = expectedDigest },
            cancellationToken).ConfigureAwait(false);
        if (!verification.IsValid)
        {
            throw new CliException($"Package '{package}' failed verification; nothing was installed:{Environment.NewLine}{string.Join(Environment.NewLine, verification.Problems.Select(p => "  - " + p.Message))}");
        }

        await PackageExtractor.ExtractAsync(package, staging, expectedDigest: verification.Digest, cancellationToken: cancellationToken).ConfigureAwait(false);
        return verification.Digest;
    }

    private CommandPlugin Check(PluginManifest manifest, string source, string staging)
    {
        if (manifest.Runtime != PluginRuntimeKind.Command)
        {
            throw new CliException($"'{source}' is a plugin with runtime: {manifest.Runtime.ToString().ToLowerInvariant()}, not a command plugin. A command plugin's {PluginManifest.FileName} says runtime: command and names its executable in entry.");
        }

        CommandPluginName.Check(manifest.Id, "command plugin id");
        if (builtInCommands.Contains(manifest.Id, StringComparer.Ordinal))
        {
            throw new CliException($"Command plugin '{manifest.Id}' would be hidden by the built-in command 'plugboard {manifest.Id}'. Give the plugin another id.");
        }

        var plugin = CommandPluginCatalog.ReadInstalled(staging, manifest.Id);
        if (plugin.Problem is not null)
        {
            throw new CliException($"Command plugin '{manifest.Id}' from '{source}' cannot run: {plugin.Problem}");
        }

        return plugin;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover hidden folder is ignored by discovery; it must not hide the real error.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record Fetched(string? Digest, string? Commit, string? SourceName);

    private sealed record StagedPlugin(string Name, CommandPlugin Plugin, string Directory, string WorkDirectory, InstallReceipt Receipt);
}

/// <summary>What an install or update did.</summary>
/// <param name="Plugin">The plugin now installed.</param>
/// <param name="PreviousVersion">The version it replaced (for an update), or that stayed (when nothing changed).</param>
/// <param name="Receipt">Where it came from, as recorded.</param>
/// <param name="Changed">False when an update found no higher version.</param>
internal sealed record InstallResult(CommandPlugin Plugin, string? PreviousVersion, InstallReceipt Receipt, bool Changed);

/// <summary>How a plugin is fetched and checked before it is installed.</summary>
/// <param name="Trust">Trusted key paths (default <c>~/.plugboard/trusted-keys</c> when it exists).</param>
/// <param name="RequireSignature">Refuse a package without a valid signature by a trusted key.</param>
/// <param name="ExpectedDigest">The digest a local package must have, when known.</param>
/// <param name="Fetch">Transport policy and the pin of a download.</param>
/// <param name="ConfigFile">The configuration whose sources' cache a plugin id is looked up in (<c>--config</c>).</param>
internal sealed record InstallOptions(IReadOnlyList<string>? Trust, bool RequireSignature, PackageDigest? ExpectedDigest, FetchOptions Fetch, string? ConfigFile);
