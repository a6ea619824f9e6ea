using Plugboard.Cli.Console;
using Plugboard.Cli.Packages;
using Plugboard.Manifests;
using Plugboard.Packaging;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// Installs, updates and removes command plugins in the plugins folder. A plugin folder and a package go the
/// same way: a folder is packed first, then every package is verified and extracted safely into a hidden
/// staging folder, checked, and only then renamed into <c>plugins/NAME</c>. A failure leaves the plugins
/// folder as it was.
/// </summary>
internal sealed class CommandPluginInstaller(CliEnvironment environment, IReadOnlyCollection<string> builtInCommands)
{
    private string PluginsDirectory => environment.PluginsDirectory;

    public async Task<CommandPlugin> InstallAsync(string source, InstallOptions options, CancellationToken cancellationToken)
    {
        var staged = await StageAsync(source, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var target = Path.Combine(PluginsDirectory, staged.Name);
            if (Directory.Exists(target) || File.Exists(target))
            {
                var installed = CommandPluginCatalog.ReadInstalled(target);
                throw new CliException($"Command plugin '{staged.Name}' is already installed{(installed.Version is { } v ? $" (version {v})" : string.Empty)} in '{target}'. Use 'plugboard plugin update {source}' to replace it.");
            }

            Directory.Move(staged.Directory, target);
            return CommandPluginCatalog.ReadInstalled(target);
        }
        finally
        {
            DeleteQuietly(staged.Directory);
        }
    }

    public async Task<(CommandPlugin Plugin, string? PreviousVersion)> UpdateAsync(string source, InstallOptions options, bool force, CancellationToken cancellationToken)
    {
        var staged = await StageAsync(source, options, cancellationToken).ConfigureAwait(false);
        var old = Path.Combine(PluginsDirectory, $".{staged.Name}.old-{Guid.NewGuid():N}");
        try
        {
            var target = Path.Combine(PluginsDirectory, staged.Name);
            if (!Directory.Exists(target))
            {
                throw new CliException($"Command plugin '{staged.Name}' is not installed. Use 'plugboard plugin install {source}'.");
            }

            var installed = CommandPluginCatalog.ReadInstalled(target);
            var previous = installed.Manifest?.Version;
            if (previous is not null && staged.Manifest.Version < previous && !force)
            {
                throw new CliException($"Refusing to downgrade command plugin '{staged.Name}' from {previous.ToFullString()} to {staged.Manifest.Version.ToFullString()}. Pass --force to downgrade on purpose.");
            }

            // Both folders are complete before the swap; the swap is two renames in one folder, undone if the second fails.
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

            return (CommandPluginCatalog.ReadInstalled(target), previous?.ToFullString());
        }
        finally
        {
            DeleteQuietly(staged.Directory);
            DeleteQuietly(old);
        }
    }

    public CommandPlugin Uninstall(string name)
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

        // Renamed first so a half-deleted folder is never taken for a plugin.
        var removing = Path.Combine(PluginsDirectory, $".{name}.removing-{Guid.NewGuid():N}");
        Directory.Move(target, removing);
        Directory.Delete(removing, recursive: true);
        return plugin;
    }

    private async Task<StagedPlugin> StageAsync(string source, InstallOptions options, CancellationToken cancellationToken)
    {
        var path = environment.ResolvePath(source);
        Directory.CreateDirectory(PluginsDirectory);
        var staging = Path.Combine(PluginsDirectory, $".staging-{Guid.NewGuid():N}");
        try
        {
            if (Directory.Exists(path))
            {
                await StageFolderAsync(path, staging, cancellationToken).ConfigureAwait(false);
            }
            else if (File.Exists(path))
            {
                await StagePackageAsync(path, staging, options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new CliException($"'{path}' does not exist. Give a command plugin folder (with plugin.yaml) or a .pbpkg file.");
            }

            var manifest = await ManifestReader.ReadFileAsync(staging, cancellationToken).ConfigureAwait(false);
            Check(manifest, path, staging);
            return new StagedPlugin(manifest.Id, manifest, staging);
        }
        catch
        {
            DeleteQuietly(staging);
            throw;
        }
    }

    private async Task StageFolderAsync(string folder, string staging, CancellationToken cancellationToken)
    {
        // Packing refuses links and non-portable names and sets execute bits from the manifest, exactly as for a published package.
        var package = Path.Combine(PluginsDirectory, $".pack-{Guid.NewGuid():N}{PackageFormat.Extension}");
        try
        {
            var info = await PackageWriter.PackAsync(folder, package, cancellationToken: cancellationToken).ConfigureAwait(false);
            await PackageExtractor.ExtractAsync(package, staging, expectedDigest: info.Digest, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(package);
        }
    }

    private async Task StagePackageAsync(string package, string staging, InstallOptions options, CancellationToken cancellationToken)
    {
        var (store, _) = await TrustStoreLoader.LoadAsync(options.Trust, environment, cancellationToken).ConfigureAwait(false);
        var verification = await PackageVerifier.VerifyAsync(
            package,
            new VerificationOptions { TrustStore = store, RequireSignature = options.RequireSignature, ExpectedDigest = options.ExpectedDigest },
            cancellationToken).ConfigureAwait(false);
        if (!verification.IsValid)
        {
            throw new CliException($"Package '{package}' failed verification; nothing was installed:{Environment.NewLine}{string.Join(Environment.NewLine, verification.Problems.Select(p => "  - " + p.Message))}");
        }

        await PackageExtractor.ExtractAsync(package, staging, expectedDigest: verification.Digest, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void Check(PluginManifest manifest, string source, string staging)
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

    private sealed record StagedPlugin(string Name, PluginManifest Manifest, string Directory);
}

/// <summary>How a package is checked before it is installed.</summary>
/// <param name="Trust">Trusted key paths (default <c>~/.plugboard/trusted-keys</c> when it exists).</param>
/// <param name="RequireSignature">Refuse a package without a valid signature by a trusted key.</param>
/// <param name="ExpectedDigest">The digest the package must have, when known.</param>
internal sealed record InstallOptions(IReadOnlyList<string>? Trust, bool RequireSignature, PackageDigest? ExpectedDigest);
