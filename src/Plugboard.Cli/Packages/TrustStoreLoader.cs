using Plugboard.Cli.Console;
using Plugboard.Packaging;

namespace Plugboard.Cli.Packages;

/// <summary>Builds the trust store of a command from its <c>--trust</c> paths (folders of <c>*.pem</c> or single PEM files).</summary>
internal static class TrustStoreLoader
{
    /// <summary>
    /// The keys of every path given; when none is given, those of <c>~/.plugboard/trusted-keys</c> if that
    /// folder exists; otherwise null (signatures are then reported, not checked).
    /// </summary>
    public static async Task<(TrustStore? Store, IReadOnlyList<string> From)> LoadAsync(IReadOnlyList<string>? paths, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var given = paths ?? [];
        if (given.Count == 0)
        {
            var fallback = environment.DefaultTrustedKeysDirectory;
            if (!Directory.Exists(fallback))
            {
                return (null, []);
            }

            given = [fallback];
        }

        var keys = new List<TrustedKey>();
        var from = new List<string>();
        foreach (var path in given.Select(environment.ResolvePath))
        {
            if (Directory.Exists(path))
            {
                keys.AddRange((await TrustStore.LoadDirectoryAsync(path, cancellationToken).ConfigureAwait(false)).Keys);
            }
            else if (File.Exists(path))
            {
                keys.Add(TrustedKey.FromPem(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path));
            }
            else
            {
                throw new CliException($"Trusted key path '{path}' does not exist. Give a folder of public key *.pem files or one public key PEM file.");
            }

            from.Add(path);
        }

        return (new TrustStore(keys), from);
    }
}
