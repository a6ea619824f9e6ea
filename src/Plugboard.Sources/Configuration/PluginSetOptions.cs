namespace Plugboard.Sources.Configuration;

/// <summary>A part of a source: a sub-path, a version pin and the plugins to take from it.</summary>
public sealed class PluginSetOptions
{
    /// <summary>The sub-path inside the source (a folder of plugin folders and/or <c>.pbpkg</c> files); empty for the root.</summary>
    public string? Path { get; set; }

    /// <summary>For git sources: the ref to read for this set (branch, tag or full commit id), overriding the source's.</summary>
    public string? Ref { get; set; }

    /// <summary>A version or range (<c>1.2.0</c>, <c>^1.2</c>, <c>&gt;=1.0 &lt;2.0</c>); only versions in it are taken. Default: every version.</summary>
    public string? Version { get; set; }

    /// <summary>The plugin ids to take; empty takes every plugin of the set.</summary>
    public List<string> Plugins { get; set; } = [];

    /// <inheritdoc />
    public override string ToString()
        => $"{(string.IsNullOrEmpty(Path) ? "." : Path)}{(Ref is null ? string.Empty : "@" + Ref)} {Version ?? "*"} [{(Plugins.Count == 0 ? "all" : string.Join(", ", Plugins))}]";
}
