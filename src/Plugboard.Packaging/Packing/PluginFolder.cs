using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>Lists the files of a plugin folder that go into its package, refusing what a package cannot hold.</summary>
internal static class PluginFolder
{
    public static List<PluginFile> Collect(string root, IReadOnlyCollection<string> excludedNames, IReadOnlyCollection<string> skippedPaths, IReadOnlySet<string> declaredExecutables)
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
                if (item.LinkTarget is not null)
                {
                    throw Refuse(path, $"is a symbolic link (to '{item.LinkTarget}'); packages hold regular files only. Replace it with a copy of what it points to");
                }

                if (item is DirectoryInfo sub)
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
                    || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(item.FullName) & UnixFileMode.UserExecute) != 0);
                files.Add(new PluginFile(path, item.FullName, executable));
            }
        }

        PackageException Refuse(string path, string problem) => new(
            PackageErrorKind.InvalidPluginFolder,
            $"Cannot pack '{root}': '{path}' {problem}.",
            root,
            path);
    }
}

/// <summary>A file to pack: its package path, where it is on disk, and whether it is executable.</summary>
internal sealed record PluginFile(string Path, string FullPath, bool Executable);
