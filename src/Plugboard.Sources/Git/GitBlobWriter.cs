using System.Globalization;
using System.Text;

namespace Plugboard.Sources.Git;

/// <summary>
/// Writes blobs of a mirror to files with one <c>git cat-file --batch</c>: exact bytes, no checkout, and none
/// of the rewriting <c>git archive</c> would do for <c>export-subst</c> or <c>export-ignore</c> attributes.
/// </summary>
internal static class GitBlobWriter
{
    public static async Task WriteAsync(GitCommand git, string mirror, IReadOnlyList<(GitTreeEntry Entry, string Target)> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return;
        }

        await git.RunStreamingAsync(
            ["--git-dir", mirror, "cat-file", "--batch"],
            async (input, ct) =>
            {
                var request = Encoding.ASCII.GetBytes(string.Concat(files.Select(f => f.Entry.ObjectId + "\n")));
                await input.WriteAsync(request, ct).ConfigureAwait(false);
                await input.FlushAsync(ct).ConfigureAwait(false);
            },
            async (output, ct) =>
            {
                var reader = new BufferedReader(output);
                foreach (var (entry, target) in files)
                {
                    var header = await reader.ReadLineAsync(ct).ConfigureAwait(false)
                        ?? throw new SourceException(git.SourceName, $"Source '{git.SourceName}': git cat-file ended before object {entry.ObjectId} ('{entry.Path}').");
                    var fields = header.Split(' ');
                    if (fields.Length != 3 || fields[1] != "blob")
                    {
                        throw new SourceException(git.SourceName, $"Source '{git.SourceName}': object {entry.ObjectId} ('{entry.Path}') could not be read from the mirror ({header}).");
                    }

                    var size = long.Parse(fields[2], CultureInfo.InvariantCulture);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    {
                        await reader.CopyExactlyAsync(file, size, ct).ConfigureAwait(false);
                    }

                    await reader.ReadLineAsync(ct).ConfigureAwait(false);
                    if (!OperatingSystem.IsWindows())
                    {
                        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                        File.SetUnixFileMode(target, entry.IsExecutable ? mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : mode);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads lines and exact byte counts from one stream without losing bytes between the two.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return line.Length == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
                }

                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    line.Write(_buffer.AsSpan(_start, newline - _start));
                    _start = newline + 1;
                    return Encoding.UTF8.GetString(line.ToArray());
                }

                line.Write(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
            }
        }

        public async Task CopyExactlyAsync(Stream target, long count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new EndOfStreamException("git cat-file ended in the middle of an object.");
                }

                var take = (int)Math.Min(count, _end - _start);
                await target.WriteAsync(_buffer.AsMemory(_start, take), cancellationToken).ConfigureAwait(false);
                _start += take;
                count -= take;
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            return _end > 0;
        }
    }
}
