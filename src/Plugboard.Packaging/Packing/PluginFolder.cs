using Plugboard.Manifests;
using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>
/// Lists the files of a plugin folder that go into its package, refusing what a package cannot hold. A package holds
/// regular files only: a symbolic link to a file inside the folder is stored as the file it points to (npm's
/// <c>node_modules/.bin</c> shims are left out: they only serve npm's own command line), and a link that leaves the
/// folder, dangles or names a folder is refused. What the <see cref="IgnoreRules"/> leave out is skipped and reported
/// (a folder once).
/// </summary>
internal static class PluginFolder
{
    public static List<PluginFile> Collect(string root, IReadOnlyCollection<string> excludedNames, IReadOnlyCollection<string> skippedPaths, IgnoreRules ignore, IReadOnlySet<string> declaredExecutables, ICollection<string> leftOut)
    {
        var files = new List<PluginFile>();
        var folded = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(new DirectoryInfo(root), string.Empty);
        files.Sort((a, b) => EntryPath.Order.Compare(a.Path, b.Path));
        return files;

        void Walk(DirectoryInfo folder, string prefix)
        {
            foreach (var item in folder.EnumerateFileSystemInfos())
            {
                if (excludedNames.Contains(item.Name) || (prefix.Length == 0 && item.Name == PackageFormat.ReservedFolder)
                    || skippedPaths.Contains(item.FullName, StringComparer.Ordinal))
                {
                    continue;
                }

                var path = prefix + item.Name;
                // plugin.yaml is always packed, whatever the rules say; the ignore file never is.
                var isFolder = item is DirectoryInfo && item.LinkTarget is null;
                if (item.FullName == ignore.IgnoreFile)
                {
                    continue;
                }

                if (path != PluginManifest.FileName && ignore.IsIgnored(path, isFolder))
                {
                    leftOut.Add(isFolder ? path + "/" : path);
                    continue;
                }

                var content = item.FullName;
                if (item.LinkTarget is { } linkTarget)
                {
                    if (IsNpmShim(path))
                    {
                        leftOut.Add(path);
                        continue;
                    }

                    content = LinkedFile(item, path, linkTarget);
                }
                else if (item is DirectoryInfo sub)
                {
                    Walk(sub, path + "/");
                    continue;
                }

                if (EntryPath.Check(path) is { } problem)
                {
                    throw Refuse(path, $"{problem}. Rename it");
                }

                if (!folded.TryAdd(EntryPath.FoldForComparison(path), path))
                {
                    throw Refuse(path, $"differs from '{folded[EntryPath.FoldForComparison(path)]}' only in case or Unicode form; both cannot exist on Windows or macOS. Rename one");
                }

                var executable = declaredExecutables.Contains(path)
                    || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(content) & UnixFileMode.UserExecute) != 0);
                files.Add(new PluginFile(path, content, executable));
            }
        }

        string LinkedFile(FileSystemInfo link, string path, string linkTarget)
        {
            var target = link.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                throw Refuse(path, $"is a symbolic link to '{linkTarget}', which does not exist. Remove the link or restore what it points to");
            }

            // Compared with the folder's real location, so a plugin folder reached through a link still contains its files.
            var realRoot = new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? root;
            var inside = Path.GetRelativePath(realRoot, target.FullName);
            if (inside == ".." || inside.StartsWith("../", StringComparison.Ordinal) || inside.StartsWith("..\\", StringComparison.Ordinal) || Path.IsPathRooted(inside))
            {
                throw Refuse(path, $"is a symbolic link to '{target.FullName}', outside the plugin folder; a package holds only what is inside it. Copy what you need into the folder");
            }

            if (target is DirectoryInfo)
            {
                throw Refuse(path, $"is a symbolic link to the folder '{inside.Replace('\\', '/')}'; packages hold regular files only. Replace it with a copy of that folder");
            }

            return target.FullName;
        }

        static bool IsNpmShim(string path) => path.StartsWith("node_modules/.bin/", StringComparison.Ordinal) || path.Contains("/node_modules/.bin/", StringComparison.Ordinal);

        PackageException Refuse(string path, string problem) => new(
            PackageErrorKind.InvalidPluginFolder,
            $"Cannot pack '{root}': '{path}' {problem}.",
            root,
            path);
    }
}

/// <summary>A file to pack: its package path, where it is on disk, and whether it is executable.</summary>
internal sealed record PluginFile(string Path, string FullPath, bool Executable);
