namespace Plugboard.Tests.Shared;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <param name="purpose">A word in the folder's name, to tell test folders apart when one is left behind.</param>
    public TempFolder(string? purpose = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pb-{purpose ?? "test"}-{Guid.NewGuid():N}"[..Math.Min(48, 36 + (purpose?.Length ?? 4))]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Every file and folder under <see cref="Path"/>, relative, sorted; for asserting nothing was left behind.</summary>
    public IReadOnlyList<string> Listing() =>
        [.. Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories)
            .Select(p => System.IO.Path.GetRelativePath(Path, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    // Read-only files (git objects, extracted packages) would stop the delete.
                    foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
                    {
                        File.SetAttributes(file, FileAttributes.Normal);
                    }

                    Directory.Delete(Path, recursive: true);
                }

                return;
            }
            catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && attempt < 5)
            {
                // A watcher, a git process or an unloading plugin may still be letting go of a file.
                Thread.Sleep(100);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
