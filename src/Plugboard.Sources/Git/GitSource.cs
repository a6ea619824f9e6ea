using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Plugboard.Manifests;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Transport;

namespace Plugboard.Sources.Git;

/// <summary>
/// A git repository read through the <c>git</c> program: a bare mirror kept between syncs
/// (<c>{cacheDir}/git/{hash of url}.git</c>) is fetched only when a ref the sets use moved (checked with
/// <c>git ls-remote</c>; a full commit id already in the mirror needs no network), and each set's tree is
/// listed at its commit. Plugin folders are recognized by their git tree id, so an unchanged folder is never
/// packed again; changed ones are written from the mirror with <c>git cat-file</c> and packed
/// deterministically. <c>.pbpkg</c> files (and their <c>.sig</c>) are taken as they are.
/// </summary>
public sealed class GitSource : IPluginSource
{
    private const string RemoteHeadRef = "refs/plugboard/remote-head";
    private readonly SourceOptions _options;
    private readonly SourceContext _context;
    private readonly ILogger _logger;

    /// <summary>Creates the source; <paramref name="options"/> must be valid for type <c>git</c>.</summary>
    public GitSource(SourceOptions options, SourceContext context)
    {
        _options = options;
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<GitSource>();
        Url = options.Url!.Trim();
        Sets = PluginSet.FromOptions(options);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Url)))[..24];
        MirrorDirectory = Path.Combine(context.CacheDirectory, "git", key + ".git");
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public IReadOnlyList<PluginSet> Sets { get; }

    /// <summary>The repository URL.</summary>
    public string Url { get; }

    /// <summary>The bare mirror kept between syncs.</summary>
    public string MirrorDirectory { get; }

    /// <inheritdoc />
    public async Task<SourceListing> ListAsync(string workDirectory, CancellationToken cancellationToken)
    {
        if (GitUrl.IsInsecure(Url))
        {
            TransportPolicy.WarnIfInsecure(_logger, _options, Url);
        }

        var git = CreateCommand();
        await EnsureMirrorAsync(git, cancellationToken).ConfigureAwait(false);
        var (commits, fetches) = await ResolveCommitsAsync(git, cancellationToken).ConfigureAwait(false);

        var packages = new List<SourcePackage>();
        foreach (var set in Sets)
        {
            var commit = commits[set.Key];
            var treeSpec = set.Path.Length == 0 ? commit + "^{tree}" : $"{commit}:{set.Path}";
            var tree = (await git.RunAsync(["--git-dir", MirrorDirectory, "rev-parse", "--verify", "--quiet", "--end-of-options", treeSpec], cancellationToken, allowFailure: true).ConfigureAwait(false)).Trim();
            if (tree.Length == 0)
            {
                throw new SourceException(Name, $"Source '{Name}': set '{set.Key}': path '{set.Path}' does not exist at {set.Ref ?? "HEAD"} (commit {commit}). Fix the set's Path or Ref.");
            }

            var entries = GitTreeEntry.Parse(await git.RunAsync(["--git-dir", MirrorDirectory, "ls-tree", "-r", "-t", "-z", tree], cancellationToken).ConfigureAwait(false));
            var setFolder = Path.Combine(workDirectory, "git-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(set.Key)))[..12]);
            packages.AddRange(ListSet(git, set, tree, entries, setFolder));
        }

        var revision = string.Join(", ", Sets.Select(s => $"{s.Key}={commits[s.Key][..12]}").Distinct());
        return new SourceListing { Packages = packages, Revision = revision, RemoteFetches = fetches };
    }

    private IEnumerable<SourcePackage> ListSet(GitCommand git, PluginSet set, string tree, List<GitTreeEntry> entries, string setFolder)
    {
        string OriginOf(string path) => (set.Path.Length == 0 ? path : $"{set.Path}/{path}") + "@" + (set.Ref ?? "HEAD");

        if (entries.Any(e => e.IsBlob && e.Path == PluginManifest.FileName))
        {
            yield return new FolderPackage(this, git, entries, string.Empty, setFolder) { SetKey = set.Key, Origin = OriginOf("."), Fingerprint = "git-tree:" + tree };
            yield break;
        }

        var trees = entries.Where(e => e.IsTree).ToDictionary(e => e.Path, e => e.ObjectId, StringComparer.Ordinal);
        var blobs = entries.Where(e => e.IsBlob).ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.IsBlob && !e.Path.Contains('/', StringComparison.Ordinal) && e.Path.EndsWith(PackageFormat.Extension, StringComparison.Ordinal)))
        {
            blobs.TryGetValue(PackageFormat.SignaturePathFor(entry.Path), out var signature);
            var fingerprint = "git-blob:" + entry.ObjectId + (signature is null ? string.Empty : ":sig:" + signature.ObjectId);
            yield return new FilePackage(this, git, entry, signature, setFolder) { SetKey = set.Key, Origin = OriginOf(entry.Path), Fingerprint = fingerprint };
        }

        foreach (var manifest in entries.Where(e => e.IsBlob && e.Path.EndsWith("/" + PluginManifest.FileName, StringComparison.Ordinal) && e.Path.Count(c => c == '/') == 1))
        {
            var folder = manifest.Path[..manifest.Path.IndexOf('/', StringComparison.Ordinal)];
            if (folder.StartsWith('.'))
            {
                continue;
            }

            yield return new FolderPackage(this, git, entries, folder + "/", setFolder) { SetKey = set.Key, Origin = OriginOf(folder), Fingerprint = "git-tree:" + trees[folder] };
        }
    }

    private GitCommand CreateCommand()
    {
        var configuration = new List<KeyValuePair<string, string>>();
        var token = SourceToken.Read(_options);
        if (token is not null)
        {
            configuration.Add(new("http.extraHeader", "Authorization: " + SourceToken.AuthorizationValue(_options, token)));
        }

        if (!string.IsNullOrWhiteSpace(_options.CaBundle))
        {
            // Checked here so a missing file gives Plugboard's message rather than curl's.
            var bundle = CaBundle.Load(_options.CaBundle, Name);
            configuration.Add(new("http.sslCAInfo", bundle.Path));
        }

        var protocols = "https:ssh" + (_options.AllowInsecure ? ":http:git" : string.Empty) + (_options.AllowLocalPaths ? ":file" : string.Empty);
        return new GitCommand(Name, configuration, protocols, token, _options.Timeout);
    }

    private async Task EnsureMirrorAsync(GitCommand git, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(MirrorDirectory, "HEAD")))
        {
            return;
        }

        // Initialized aside and renamed, so an interrupted init never leaves a half mirror behind.
        var parent = Path.GetDirectoryName(MirrorDirectory)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(MirrorDirectory)}.{Guid.NewGuid():N}");
        await git.RunAsync(["init", "--bare", "--quiet", staging], cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.Move(staging, MirrorDirectory);
        }
        catch (IOException) when (Directory.Exists(MirrorDirectory))
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private async Task<(Dictionary<string, string> Commits, int Fetches)> ResolveCommitsAsync(GitCommand git, CancellationToken cancellationToken)
    {
        var local = await LocalRefsAsync(git, cancellationToken).ConfigureAwait(false);
        var needFetch = false;
        Dictionary<string, string>? remote = null;
        foreach (var set in Sets)
        {
            var reference = set.Ref ?? "HEAD";
            if (GitRefName.IsCommitId(reference))
            {
                needFetch |= !await git.SucceedsAsync(["--git-dir", MirrorDirectory, "cat-file", "-e", reference + "^{commit}"], cancellationToken).ConfigureAwait(false);
                continue;
            }

            remote ??= await RemoteRefsAsync(git, cancellationToken).ConfigureAwait(false);
            var name = RemoteNameOf(reference, remote)
                ?? throw new SourceException(Name, $"Source '{Name}': ref '{reference}' (set '{set.Key}') does not exist in {Url}. Use an existing branch, tag or full commit id.");
            var localName = name == "HEAD" ? RemoteHeadRef : name;
            needFetch |= !local.TryGetValue(localName, out var have) || have != remote[name];
        }

        var fetches = 0;
        if (needFetch)
        {
            _logger.LogInformation("Source {Source}: fetching {Url} into the mirror.", Name, Url);
            await git.RunAsync(
                ["--git-dir", MirrorDirectory, "fetch", "--quiet", "--prune", "--force", "--no-write-fetch-head", "--end-of-options", Url,
                    "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*", "+HEAD:" + RemoteHeadRef],
                cancellationToken).ConfigureAwait(false);
            fetches = 1;
        }

        var commits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in Sets)
        {
            var reference = set.Ref ?? "HEAD";
            var spec = GitRefName.IsCommitId(reference) ? reference
                : reference == "HEAD" ? RemoteHeadRef
                : RemoteNameOf(reference, remote!)!;
            var commit = (await git.RunAsync(["--git-dir", MirrorDirectory, "rev-parse", "--verify", "--quiet", "--end-of-options", spec + "^{commit}"], cancellationToken, allowFailure: true).ConfigureAwait(false)).Trim();
            if (commit.Length == 0)
            {
                throw new SourceException(Name, $"Source '{Name}': {(GitRefName.IsCommitId(reference) ? "commit" : "ref")} '{reference}' (set '{set.Key}') is not in {Url} (or not reachable from its branches and tags). Use an existing branch, tag or commit.");
            }

            commits[set.Key] = commit;
        }

        return (commits, fetches);
    }

    /// <summary>The remote ref a set's ref names: HEAD, a full <c>refs/…</c> name, else a tag, else a branch (git's own precedence).</summary>
    private static string? RemoteNameOf(string reference, Dictionary<string, string> remote)
    {
        if (reference == "HEAD" || reference.StartsWith("refs/", StringComparison.Ordinal))
        {
            return remote.ContainsKey(reference) ? reference : null;
        }

        foreach (var candidate in (string[])[$"refs/tags/{reference}", $"refs/heads/{reference}"])
        {
            if (remote.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private async Task<Dictionary<string, string>> LocalRefsAsync(GitCommand git, CancellationToken cancellationToken)
    {
        var output = await git.RunAsync(["--git-dir", MirrorDirectory, "for-each-ref", "--format=%(objectname) %(refname)"], cancellationToken).ConfigureAwait(false);
        return ParseRefs(output, ' ');
    }

    private async Task<Dictionary<string, string>> RemoteRefsAsync(GitCommand git, CancellationToken cancellationToken)
    {
        var output = await git.RunAsync(["--git-dir", MirrorDirectory, "ls-remote", "--end-of-options", Url], cancellationToken).ConfigureAwait(false);
        return ParseRefs(output, '\t');
    }

    private static Dictionary<string, string> ParseRefs(string output, char separator)
    {
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && !line.EndsWith("^{}", StringComparison.Ordinal))
            {
                refs[line[(at + 1)..].Trim()] = line[..at];
            }
        }

        return refs;
    }

    private string SafeTarget(string root, string relative, string origin)
    {
        var target = Path.GetFullPath(Path.Combine(root, relative));
        if (!target.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new SourceException(Name, $"Source '{Name}': plugin folder '{origin}' holds the tree entry '{relative}', whose path leaves the plugin folder; refused. The repository is malformed or hostile: do not use this commit.");
        }

        return target;
    }

    private sealed class FolderPackage(GitSource source, GitCommand git, List<GitTreeEntry> entries, string prefix, string setFolder) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            var folder = Path.Combine(setFolder, prefix.Length == 0 ? "_root" : prefix.TrimEnd('/'));
            if (!Directory.Exists(folder))
            {
                var files = new List<(GitTreeEntry, string)>();
                foreach (var entry in entries.Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal) && !e.IsTree))
                {
                    var relative = entry.Path[prefix.Length..];
                    if (entry.IsSymbolicLink || !entry.IsBlob)
                    {
                        throw new SourceException(source.Name, $"Source '{source.Name}': '{Origin}' holds '{relative}', a {(entry.IsSymbolicLink ? "symbolic link" : "submodule")}; a plugin folder may hold regular files only.");
                    }

                    files.Add((entry, source.SafeTarget(folder, relative, Origin)));
                }

                Directory.CreateDirectory(folder);
                await GitBlobWriter.WriteAsync(git, source.MirrorDirectory, files, cancellationToken).ConfigureAwait(false);
            }

            await PackageWriter.PackAsync(folder, packagePath, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class FilePackage(GitSource source, GitCommand git, GitTreeEntry package, GitTreeEntry? signature, string setFolder) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            var folder = Path.Combine(setFolder, "_files", Guid.NewGuid().ToString("N"));
            var file = Path.Combine(folder, "package" + PackageFormat.Extension);
            var files = new List<(GitTreeEntry, string)> { (package, file) };
            if (signature is not null)
            {
                files.Add((signature, PackageFormat.SignaturePathFor(file)));
            }

            await GitBlobWriter.WriteAsync(git, source.MirrorDirectory, files, cancellationToken).ConfigureAwait(false);
            File.Move(file, packagePath, overwrite: true);
            if (signature is not null)
            {
                File.Move(PackageFormat.SignaturePathFor(file), PackageFormat.SignaturePathFor(packagePath), overwrite: true);
            }
        }
    }
}
