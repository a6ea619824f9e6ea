using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NuGet.Versioning;
using Plugboard.Manifests.Schema;
using Plugboard.Manifests.Text;
using Plugboard.Manifests.Versioning;
using Plugboard.Manifests.Yaml;
using YamlDotNet.Core;

namespace Plugboard.Manifests.Reading;

/// <summary>Reads one manifest's YAML into a <see cref="PluginManifest"/>, collecting every error before giving up.</summary>
internal sealed partial class ManifestParser
{
    /// <summary>Every top-level field a manifest may have.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "id", "version", "contracts", "runtime", "entry", "displayName", "description", "provider", "tags",
        "capabilities", "config", "supportedUpgradeFrom", "dependencies", "hooks",
    ];

    /// <summary>The fields of <c>hooks</c>.</summary>
    private static readonly IReadOnlyList<string> HookFields = ["install", "update", "uninstall", "timeoutSeconds"];

    private static readonly Dictionary<string, PluginRuntimeKind> Runtimes = new(StringComparer.Ordinal)
    {
        ["assembly"] = PluginRuntimeKind.Assembly,
        ["process"] = PluginRuntimeKind.Process,
        ["endpoint"] = PluginRuntimeKind.Endpoint,
        ["command"] = PluginRuntimeKind.Command,
    };

    private const string RangeExamples = "e.g. ^1.2, >=1.0 <2.0 or [1.0,2.0)";

    private readonly string _file;
    private readonly List<ManifestError> _errors = [];
    private readonly Dictionary<string, YamlTreeNode> _fields = new(StringComparer.Ordinal);
    private YamlTreeMapping _root = null!;

    private ManifestParser(string file) => _file = file;

    /// <exception cref="ManifestException">Every error found.</exception>
    public static PluginManifest Parse(string yaml, string file, string? directory, ManifestParseCache? cache = null) =>
        new ManifestParser(file).Run(yaml.StartsWith('\uFEFF') ? yaml[1..] : yaml, directory, cache);

    private PluginManifest Run(string yaml, string? directory, ManifestParseCache? cache)
    {
        var cached = cache?.TryRead(_file, yaml);
        YamlTreeNode? document;
        try
        {
            document = cached ?? YamlTreeReader.Read(yaml);
        }
        catch (YamlException ex)
        {
            throw new ManifestException([SyntaxError(ex, yaml)]);
        }

        if (document is null or YamlTreeScalar { IsNull: true })
        {
            throw new ManifestException([new ManifestError(_file, null, null, null,
                "the manifest is empty; it needs at least id, version and entry, e.g.\n    id: my-plugin\n    version: 1.0.0\n    entry: MyPlugin.dll")]);
        }

        if (document is not YamlTreeMapping root)
        {
            throw new ManifestException([Error(document, null, $"a manifest is a map of fields (id: ..., version: ...), not {document.Kind}")]);
        }

        _root = root;
        ReportDuplicateKeys(root, string.Empty, []);
        CollectFields();

        var id = ReadId();
        var version = ReadVersion();
        var runtime = ReadRuntime();
        var manifest = new PluginManifest
        {
            Id = id ?? string.Empty,
            Version = version ?? new NuGetVersion(0, 0, 0),
            Contracts = ReadContracts(),
            Runtime = runtime,
            Entry = ReadEntry(runtime),
            DisplayName = ReadLocalized("displayName"),
            Description = ReadLocalized("description"),
            Provider = Field("provider") is { } provider ? ReadText(provider, "provider") : null,
            Tags = ReadTags(),
            Capabilities = ReadCapabilities(),
            ConfigSchema = ReadConfig(),
            SupportedUpgradeFrom = Field("supportedUpgradeFrom") is { } upgrade ? ReadRange(upgrade, "supportedUpgradeFrom") : null,
            Dependencies = ReadDependencies(id),
            Hooks = ReadHooks(runtime),
            Directory = directory,
        };

        if (_errors.Count > 0)
        {
            throw new ManifestException(_errors.OrderBy(e => e.Line ?? int.MaxValue).ThenBy(e => e.Column).ToList());
        }

        if (cached is null)
        {
            cache?.Write(_file, yaml, root);
        }

        return manifest;
    }

    private ManifestError Error(YamlTreeNode? node, string? path, string message)
    {
        var error = new ManifestError(_file, node?.Line, node?.Column, path, message);
        _errors.Add(error);
        return error;
    }

    private ManifestError SyntaxError(YamlException ex, string yaml)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 10, Idx: 42) - (Line: ...): "; the location is reported apart.
        var message = MarkPrefix().Replace(ex.Message, string.Empty).TrimEnd('.');
        var line = (int)ex.Start.Line;

        // A tab in the indentation makes YamlDotNet stop at some later token; the tab itself is what to fix.
        var all = yaml.Split('\n');
        for (var i = 0; i < all.Length; i++)
        {
            var indent = all[i].Length - all[i].TrimStart(' ', '\t').Length;
            var tab = all[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new ManifestError(_file, i + 1, tab + 1, null, "not valid YAML: the line is indented with a tab; indent with spaces, not tabs");
            }
        }

        var nearby = all.Skip(Math.Max(0, line - 2)).Take(2).ToList();
        var hint = SyntaxHint(nearby);
        if (hint.Length == 0 && message.Contains("invalid mapping", StringComparison.Ordinal))
        {
            hint = "; check the indentation: the fields of one map start in the same column";
        }

        return new ManifestError(_file, line, (int)ex.Start.Column, null, $"not valid YAML: {message}{hint}");
    }

    // The mistakes people make most in manifests, spotted on the lines around a syntax error.
    private static string SyntaxHint(IReadOnlyList<string> lines)
    {
        foreach (var text in lines)
        {
            if (UnquotedRange().Match(text) is { Success: true } range)
            {
                return $"; a version range that starts with {range.Groups["c"].Value} must be quoted, e.g. {range.Groups["key"].Value}: '>=1.0 <2.0' or '[1.0,2.0)'";
            }
        }

        if (lines.Any(l => l.Contains('\t', StringComparison.Ordinal)))
        {
            return "; indent with spaces, not tabs";
        }

        foreach (var text in lines)
        {
            if (UnquotedColon().Match(text) is { Success: true } colon)
            {
                return $"; text that contains ': ' must be quoted, e.g. {colon.Groups["key"].Value}: '{colon.Groups["value"].Value.Trim()}'";
            }
        }

        return string.Empty;
    }

    private void ReportDuplicateKeys(YamlTreeNode node, string path, HashSet<YamlTreeNode> visited)
    {
        if (!visited.Add(node))
        {
            return; // an alias of a node already checked
        }

        if (node is YamlTreeSequence sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                ReportDuplicateKeys(sequence.Items[i], FieldPath.Index(path, i), visited);
            }
        }
        else if (node is YamlTreeMapping mapping)
        {
            var seen = new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Entries)
            {
                if (keyNode is not YamlTreeScalar key)
                {
                    continue;
                }

                var keyPath = FieldPath.Property(path, key.Value);
                if (seen.TryGetValue(key.Value, out var first))
                {
                    Error(key, keyPath, $"duplicate key '{key.Value}' (first at line {first.Line}); keep only one");
                    continue;
                }

                seen[key.Value] = key;
                ReportDuplicateKeys(value, keyPath, visited);
            }
        }
    }

    private void CollectFields()
    {
        foreach (var (keyNode, value) in _root.Entries)
        {
            if (keyNode is not YamlTreeScalar key)
            {
                Error(keyNode, null, $"field names must be text, not {keyNode.Kind}");
                continue;
            }

            if (!Fields.Contains(key.Value))
            {
                var known = Fields.FirstOrDefault(f => string.Equals(f, key.Value, StringComparison.OrdinalIgnoreCase))
                    ?? NameSuggestion.Closest(key.Value, Fields);
                var hint = known is not null ? $"; did you mean '{known}'?" : $"; the fields are {string.Join(", ", Fields)}";
                Error(key, FieldPath.Property(string.Empty, key.Value), $"unknown field '{key.Value}'{hint}");
                continue;
            }

            _fields.TryAdd(key.Value, value);
        }
    }

    /// <summary>The value of a top-level field; null when absent or written empty (<c>field:</c>, <c>~</c>).</summary>
    private YamlTreeNode? Field(string name) =>
        _fields.TryGetValue(name, out var value) && value is not YamlTreeScalar { IsNull: true } ? value : null;

    private string? ReadText(YamlTreeNode node, string path)
    {
        if (node is YamlTreeScalar scalar)
        {
            if (scalar.IsNull || scalar.Value.Trim().Length == 0)
            {
                Error(node, path, "must not be empty");
                return null;
            }

            return scalar.Value;
        }

        Error(node, path, $"must be text, not {node.Kind}");
        return null;
    }

    private string? ReadId()
    {
        if (Field("id") is not { } node)
        {
            Error(null, "id", "is required: the plugin id in lower-case letters, digits and dashes, e.g. id: custom-ldap");
            return null;
        }

        var id = ReadText(node, "id");
        if (id is not null && !PluginId().IsMatch(id))
        {
            Error(node, "id", $"'{id}' is not a plugin id; use 1-64 lower-case letters, digits and dashes, starting and ending with a letter or digit, e.g. custom-ldap");
            return null;
        }

        return id;
    }

    private NuGetVersion? ReadVersion()
    {
        if (Field("version") is not { } node)
        {
            Error(null, "version", "is required: the plugin version in SemVer 2 form, e.g. version: 1.0.0");
            return null;
        }

        var text = ReadText(node, "version");
        if (text is null)
        {
            return null;
        }

        if (!NuGetVersion.TryParseStrict(text, out var version))
        {
            Error(node, "version", $"'{text}' is not a SemVer 2 version; write major.minor.patch with an optional -prerelease, e.g. 1.2.0 or 1.2.0-beta.1");
            return null;
        }

        return version;
    }

    private PluginRuntimeKind ReadRuntime()
    {
        if (Field("runtime") is not { } node || ReadText(node, "runtime") is not { } text)
        {
            return PluginRuntimeKind.Assembly;
        }

        if (Runtimes.TryGetValue(text, out var runtime))
        {
            return runtime;
        }

        Error(node, "runtime", $"'{text}' is not a runtime{NameSuggestion.DidYouMean(text, Runtimes.Keys)}; use one of {string.Join(", ", Runtimes.Keys)}");
        return PluginRuntimeKind.Assembly;
    }

    private IReadOnlyList<ContractReference> ReadContracts()
    {
        var contracts = new List<ContractReference>();
        foreach (var (item, path) in ReadList("contracts", "contracts: [usersync.datasource@^1.0]"))
        {
            var reference = ReadReference(item, path, "name", "usersync.datasource", ContractName(), "a contract name such as usersync.datasource");
            if (reference is not { } found)
            {
                continue;
            }

            if (contracts.Any(c => c.Name == found.Name))
            {
                Error(item, path, $"the contract '{found.Name}' is listed twice; give one range, e.g. '^1.0 || ^2.0'");
                continue;
            }

            contracts.Add(new ContractReference(found.Name, found.Range));
        }

        return contracts;
    }

    private IReadOnlyList<PluginDependency> ReadDependencies(string? id)
    {
        var dependencies = new List<PluginDependency>();
        foreach (var (item, path) in ReadList("dependencies", "dependencies: [{ id: custom-ldap, version: ^1.0 }]"))
        {
            var reference = ReadReference(item, path, "id", "custom-ldap", PluginId(), "a plugin id such as custom-ldap");
            if (reference is not { } found)
            {
                continue;
            }

            if (found.Name == id)
            {
                Error(item, path, "a plugin cannot depend on itself");
            }
            else if (dependencies.Any(d => d.Id == found.Name))
            {
                Error(item, path, $"the dependency '{found.Name}' is listed twice; give one range, e.g. '^1.0 || ^2.0'");
            }
            else
            {
                dependencies.Add(new PluginDependency(found.Name, found.Range));
            }
        }

        return dependencies;
    }

    private IEnumerable<(YamlTreeNode Item, string Path)> ReadList(string field, string example)
    {
        if (Field(field) is not { } node)
        {
            yield break;
        }

        if (node is not YamlTreeSequence sequence)
        {
            Error(node, field, $"must be a list, e.g. {example}; not {node.Kind}");
            yield break;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            yield return (sequence.Items[i], FieldPath.Index(field, i));
        }
    }

    /// <summary>Reads <c>name@range</c> or <c>{ nameKey: name, version: range }</c>.</summary>
    private (string Name, VersionRangeSpec Range)? ReadReference(YamlTreeNode item, string path, string nameKey, string exampleName, Regex namePattern, string nameDescription)
    {
        string? name = null;
        VersionRangeSpec? range = null;
        YamlTreeNode nameNode = item;
        var namePath = path;
        var shortForm = $"{exampleName}@^1.0";
        switch (item)
        {
            case YamlTreeScalar { IsNull: false } scalar:
                var at = scalar.Value.IndexOf('@', StringComparison.Ordinal);
                if (at < 0)
                {
                    Error(item, path, $"'{scalar.Value}' needs a version range: write {shortForm}, or {{ {nameKey}: {exampleName}, version: ^1.0 }}");
                    return null;
                }

                name = scalar.Value[..at].Trim();
                var rangeText = scalar.Value[(at + 1)..];
                if (!VersionRangeSpec.TryParse(rangeText, out range, out var problem))
                {
                    Error(item, path, problem!);
                }

                break;

            case YamlTreeMapping mapping:
                foreach (var (keyNode, _) in mapping.Entries)
                {
                    if (keyNode is YamlTreeScalar key && key.Value != nameKey && key.Value != "version")
                    {
                        Error(key, FieldPath.Property(path, key.Value), $"unknown field '{key.Value}'{NameSuggestion.DidYouMean(key.Value, [nameKey, "version"])}; an item has {nameKey} and version");
                    }
                }

                namePath = FieldPath.Property(path, nameKey);
                var versionPath = FieldPath.Property(path, "version");
                if (mapping.Find(nameKey) is { } nameValue and not YamlTreeScalar { IsNull: true })
                {
                    nameNode = nameValue;
                    name = ReadText(nameValue, namePath);
                }
                else
                {
                    Error(item, namePath, $"is required: {nameDescription}");
                }

                if (mapping.Find("version") is { } versionValue and not YamlTreeScalar { IsNull: true })
                {
                    range = ReadRange(versionValue, versionPath);
                }
                else
                {
                    Error(item, versionPath, $"is required: a version range, {RangeExamples}; * for any version");
                }

                break;

            default:
                Error(item, path, $"must be {shortForm} or {{ {nameKey}: {exampleName}, version: ^1.0 }}, not {item.Kind}");
                return null;
        }

        if (name is not null && !namePattern.IsMatch(name))
        {
            Error(nameNode, namePath, $"'{name}' is not {nameDescription}");
            return null;
        }

        return name is not null && range is not null ? (name, range) : null;
    }

    private VersionRangeSpec? ReadRange(YamlTreeNode node, string path)
    {
        if (node is not YamlTreeScalar scalar)
        {
            Error(node, path, $"must be a version range written as text, {RangeExamples}; quote ranges that start with [ or (, e.g. '[1.0,2.0)'");
            return null;
        }

        if (VersionRangeSpec.TryParse(scalar.Value, out var range, out var problem))
        {
            return range;
        }

        Error(node, path, problem!);
        return null;
    }

    private IReadOnlyDictionary<string, string> ReadEntry(PluginRuntimeKind runtime)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var what = runtime switch
        {
            PluginRuntimeKind.Assembly => "the plugin assembly, e.g. entry: MyPlugin.dll",
            PluginRuntimeKind.Endpoint => "the address of the running service, e.g. entry: http://ldap-plugin:5000",
            _ => "the executable or command line to start, e.g. entry: bin/my-plugin",
        };
        switch (Field("entry"))
        {
            case null:
                Error(null, "entry", $"is required for runtime {runtime.ToString().ToLowerInvariant()}: {what}; or a map of platform to entry, e.g. {{ linux-x64: ..., win-x64: ..., default: ... }}");
                break;

            case YamlTreeScalar scalar:
                if (ReadEntryValue(scalar, "entry", runtime) is { } single)
                {
                    entries["default"] = single;
                }

                break;

            case YamlTreeMapping mapping:
                foreach (var (keyNode, value) in mapping.Entries)
                {
                    if (keyNode is not YamlTreeScalar key || entries.ContainsKey(key.Value))
                    {
                        continue; // duplicates are already reported
                    }

                    var path = FieldPath.Property("entry", key.Value);
                    if (key.Value != "default" && !RuntimeIdentifier().IsMatch(key.Value))
                    {
                        Error(key, path, $"'{key.Value}' is not a platform; use a runtime identifier such as linux-x64, win-x64, osx-arm64, an OS such as linux, or default");
                        continue;
                    }

                    if (ReadEntryValue(value, path, runtime) is { } entry)
                    {
                        entries[key.Value] = entry;
                    }
                }

                if (mapping.Entries.Count == 0)
                {
                    Error(mapping, "entry", $"needs at least one platform: {what}");
                }

                break;

            case var other:
                Error(other, "entry", $"must be text ({what}) or a map of platform to entry, not {other.Kind}");
                break;
        }

        return entries;
    }

    private string? ReadEntryValue(YamlTreeNode node, string path, PluginRuntimeKind runtime)
    {
        var entry = ReadText(node, path);
        if (entry is null || runtime != PluginRuntimeKind.Assembly)
        {
            return entry;
        }

        // An assembly is loaded from the plugin's own folder; a path out of it would load foreign code.
        var segments = entry.Split('/', '\\');
        if (Path.IsPathRooted(entry) || entry.Contains(':', StringComparison.Ordinal) || segments.Contains(".."))
        {
            Error(node, path, $"'{entry}' must be a path inside the plugin folder, e.g. MyPlugin.dll or lib/MyPlugin.dll");
            return null;
        }

        return entry;
    }

    private LocalizedText ReadLocalized(string field)
    {
        switch (Field(field))
        {
            case null:
                return LocalizedText.Empty;

            case YamlTreeScalar scalar:
                return ReadText(scalar, field) is { } text ? new LocalizedText(new Dictionary<string, string> { ["en"] = text }) : LocalizedText.Empty;

            case YamlTreeMapping mapping:
                var texts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (keyNode, value) in mapping.Entries)
                {
                    if (keyNode is not YamlTreeScalar key || texts.ContainsKey(key.Value))
                    {
                        continue;
                    }

                    var path = FieldPath.Property(field, key.Value);
                    if (!CultureName.IsValid(key.Value))
                    {
                        Error(key, path, $"'{key.Value}' is not a culture name; use e.g. en, de or zh-CN");
                        continue;
                    }

                    if (ReadText(value, path) is { } translation)
                    {
                        texts[key.Value] = translation;
                    }
                }

                return new LocalizedText(texts);

            case var other:
                Error(other, field, $"must be text (in English) or a map of culture to text, e.g. {{ en: LDAP, zh-CN: 目录 }}; not {other.Kind}");
                return LocalizedText.Empty;
        }
    }

    private IReadOnlyList<string> ReadTags()
    {
        var tags = new List<string>();
        foreach (var (item, path) in ReadList("tags", "tags: [sync, ldap]"))
        {
            if (ReadText(item, path) is { } tag && !tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        return tags;
    }

    private JsonObject ReadCapabilities()
    {
        switch (Field("capabilities"))
        {
            case null:
                return [];
            case YamlTreeMapping mapping:
                return (JsonObject)YamlJsonConverter.ToJson(mapping, "capabilities", (node, path, message) => Error(node, path, message))!;
            case var other:
                Error(other, "capabilities", $"must be a map of capability to value, e.g. {{ incremental: true }}; not {other.Kind}");
                return [];
        }
    }

    private PluginHooks? ReadHooks(PluginRuntimeKind runtime)
    {
        const string Example = "hooks: { install: hooks/setup.sh, uninstall: hooks/cleanup.sh, timeoutSeconds: 30 }";
        switch (Field("hooks"))
        {
            case null:
                return null;

            case YamlTreeMapping mapping when runtime != PluginRuntimeKind.Command:
                Error(mapping, "hooks", $"only command plugins (runtime: command) have hooks: the plugboard command runs them when it installs, updates or uninstalls the plugin; this plugin has runtime: {runtime.ToString().ToLowerInvariant()}");
                return null;

            case YamlTreeMapping mapping:
                var hooks = new PluginHooks();
                foreach (var (keyNode, value) in mapping.Entries)
                {
                    if (keyNode is not YamlTreeScalar key)
                    {
                        continue;
                    }

                    var path = FieldPath.Property("hooks", key.Value);
                    switch (key.Value)
                    {
                        case "install":
                            hooks = hooks with { Install = ReadHookCommand(value, path) };
                            break;
                        case "update":
                            hooks = hooks with { Update = ReadHookCommand(value, path) };
                            break;
                        case "uninstall":
                            hooks = hooks with { Uninstall = ReadHookCommand(value, path) };
                            break;
                        case "timeoutSeconds":
                            var max = (int)PluginHooks.MaxTimeout.TotalSeconds;
                            if (value is YamlTreeScalar { IsNull: false } number
                                && int.TryParse(number.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                                && seconds is >= 1 && seconds <= max)
                            {
                                hooks = hooks with { Timeout = TimeSpan.FromSeconds(seconds) };
                            }
                            else
                            {
                                Error(value, path, $"must be a whole number of seconds from 1 to {max}, e.g. timeoutSeconds: 30");
                            }

                            break;
                        default:
                            Error(key, path, $"unknown hook '{key.Value}'{NameSuggestion.DidYouMean(key.Value, HookFields)}; the fields of hooks are {string.Join(", ", HookFields)}");
                            break;
                    }
                }

                return hooks;

            case var other:
                Error(other, "hooks", $"must be a map of hook to program, e.g. {Example}; not {other.Kind}");
                return null;
        }
    }

    // A hook runs without a shell from the plugin folder, so its program must be a file of the plugin.
    private string? ReadHookCommand(YamlTreeNode node, string path)
    {
        var command = ReadText(node, path);
        if (command is null)
        {
            return null;
        }

        var program = command.Trim().Split(' ', 2)[0];
        var segments = program.Split('/', '\\');
        if (Path.IsPathRooted(program) || program.Contains(':', StringComparison.Ordinal) || segments.Contains("..") || program.StartsWith('-'))
        {
            Error(node, path, $"'{program}' must be a program inside the plugin folder, e.g. hooks/setup.sh (started without a shell, arguments may follow)");
            return null;
        }

        return command.Trim();
    }

    private ConfigSchema? ReadConfig()
    {
        if (Field("config") is not { } node)
        {
            return null;
        }

        if (node is not YamlTreeMapping)
        {
            Error(node, "config", $"must be the configuration schema, a map such as {{ type: object, properties: {{ ... }} }}; not {node.Kind}");
            return null;
        }

        var json = YamlJsonConverter.ToJson(node, "config", (at, path, message) => Error(at, path, message));
        try
        {
            return ConfigSchema.Parse(json!);
        }
        catch (ConfigSchemaException ex)
        {
            foreach (var error in ex.Errors)
            {
                var path = "config" + error.Path[1..];
                Error(Locate(path), path, error.Message);
            }

            return null;
        }
    }

    /// <summary>
    /// The deepest node on a field path, to point an error at: a scalar value itself, or the key of a
    /// list or map (whose own position is the line after the key, where its first item starts).
    /// </summary>
    private YamlTreeNode Locate(string path)
    {
        YamlTreeNode node = _root;
        YamlTreeNode? key = null;
        foreach (var segment in FieldPath.Split(path))
        {
            (YamlTreeNode? Key, YamlTreeNode? Value) next = (segment, node) switch
            {
                (string name, YamlTreeMapping mapping) => mapping.Entries
                    .Where(e => e.Key is YamlTreeScalar k && k.Value == name)
                    .Select(e => ((YamlTreeNode?)e.Key, (YamlTreeNode?)e.Value))
                    .FirstOrDefault(),
                (int index, YamlTreeSequence sequence) when index < sequence.Items.Count => (null, sequence.Items[index]),
                _ => (null, null),
            };
            if (next.Value is null)
            {
                break;
            }

            key = next.Key;
            node = next.Value;
        }

        return node is YamlTreeScalar || key is null ? node : key;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    [GeneratedRegex(@"^\s*(-\s+)?(?<key>version|supportedUpgradeFrom)\s*:\s+(?<c>[>\[(*|!&%@`])")]
    private static partial Regex UnquotedRange();

    [GeneratedRegex(@"^\s*(-\s+)?(?<key>[A-Za-z][\w-]*)\s*:\s+(?<value>[^'""\[{|>#][^#]*?:\s.*)$")]
    private static partial Regex UnquotedColon();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$")]
    internal static partial Regex PluginId();

    [GeneratedRegex("^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$")]
    private static partial Regex ContractName();

    [GeneratedRegex(@"^[a-z][a-z0-9.]*(-[a-z0-9.]+)*$")]
    private static partial Regex RuntimeIdentifier();
}
