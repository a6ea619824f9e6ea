using System.Security.Cryptography;
using System.Text;

namespace Plugboard.Integration.Tests.Fixtures;

/// <summary>
/// An <c>fs</c> source folder of generated plugins, one sub-folder each with a <c>plugin.yaml</c> and a data file. The
/// bytes of a plugin at a version are a function of (plugin, version) alone, so publishing a version again packs to
/// the digest the lock recorded the first time.
/// </summary>
public sealed class GeneratedPluginSource
{
    private readonly int[] _minors;

    public GeneratedPluginSource(string root, int count)
    {
        Root = root;
        _minors = new int[count];
        Directory.CreateDirectory(root);
        for (var i = 0; i < count; i++)
        {
            Publish(i, 0);
        }
    }

    public string Root { get; }

    public int Count => _minors.Length;

    /// <summary>The versions the source offers now, by plugin id.</summary>
    public IReadOnlyDictionary<string, string> Versions
        => Enumerable.Range(0, Count).ToDictionary(IdOf, i => VersionOf(_minors[i]), StringComparer.Ordinal);

    public static string IdOf(int plugin) => $"custom-crash-{plugin:D3}";

    public static string VersionOf(int minor) => $"1.{minor}.0";

    /// <summary>The plugin index of <paramref name="id"/>, or -1 for an id this source never generates.</summary>
    public static int IndexOf(string id)
        => id.StartsWith("custom-crash-", StringComparison.Ordinal) && int.TryParse(id["custom-crash-".Length..], out var i) ? i : -1;

    /// <summary>Publishes the next version of <paramref name="plugin"/>; returns its version.</summary>
    public string Bump(int plugin)
    {
        Publish(plugin, _minors[plugin] + 1);
        return VersionOf(_minors[plugin]);
    }

    /// <summary>Replaces the folder of <paramref name="plugin"/> with its files at <c>1.{minor}.0</c> (a release, or a roll-back).</summary>
    public void Publish(int plugin, int minor)
    {
        var folder = Path.Combine(Root, $"plugin-{plugin:D3}");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var version = VersionOf(minor);
        File.WriteAllText(Path.Combine(folder, "plugin.yaml"), $"""
            id: {IdOf(plugin)}
            version: {version}
            runtime: command
            entry: payload.bin
            description: Plugin {plugin} at {version}, generated for the crash-consistency tests.

            """);
        File.WriteAllBytes(Path.Combine(folder, "payload.bin"), Payload(plugin, minor));
        _minors[plugin] = minor;
    }

    // 2 to 8 KiB of bytes that differ per plugin and version, from a hash chain (no randomness to reproduce).
    private static byte[] Payload(int plugin, int minor)
    {
        var size = 2048 + ((plugin * 389) + (minor * 97)) % 6144;
        var bytes = new byte[size];
        for (var block = 0; block * 32 < size; block++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{plugin}/{minor}/{block}"));
            hash.AsSpan(0, Math.Min(32, size - (block * 32))).CopyTo(bytes.AsSpan(block * 32));
        }

        return bytes;
    }
}
