using System.Globalization;
using System.Text.Json.Nodes;
using NuGet.Versioning;

namespace Plugboard.Manifests.Tests;

public sealed class ManifestReaderTests
{
    private static ManifestException Invalid(string yaml) =>
        Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml));

    [Fact]
    public void A_manifest_with_every_field_is_read_from_its_folder()
    {
        var manifest = ManifestReader.ReadFile(ManifestFiles.Folder("ldap"));

        Assert.Equal("custom-ldap", manifest.Id);
        Assert.Equal(NuGetVersion.Parse("2.1.0-beta.1"), manifest.Version);
        Assert.Equal(PluginRuntimeKind.Process, manifest.Runtime);
        Assert.Equal(2, manifest.Contracts.Count);
        Assert.Equal("usersync.datasource", manifest.Contracts[0].Name);
        Assert.Equal("^1.0", manifest.Contracts[0].Versions.ToString());
        Assert.Equal("audit.sink", manifest.Contracts[1].Name);
        Assert.True(manifest.Contracts[1].Versions.Satisfies(NuGetVersion.Parse("2.9.0")));
        Assert.Equal("bin/linux-x64/ldap-plugin", manifest.Entry["linux-x64"]);
        Assert.Equal(4, manifest.Entry.Count);
        Assert.Equal("LDAP 目录", manifest.DisplayName.Get(CultureInfo.GetCultureInfo("zh-CN")));
        Assert.Equal("Synchronises users and groups from an LDAP directory.", manifest.Description.Get(CultureInfo.GetCultureInfo("en")));
        Assert.Equal("Plugboard samples", manifest.Provider);
        Assert.Equal(["sync", "ldap", "directory"], manifest.Tags);
        Assert.NotNull(manifest.ConfigSchema);
        Assert.Equal(["$.bindPassword"], manifest.ConfigSchema.SecretPaths);
        Assert.Equal(">=1.0.0 <2.1.0", manifest.SupportedUpgradeFrom!.ToString());
        var dependency = Assert.Single(manifest.Dependencies);
        Assert.Equal("custom-audit", dependency.Id);
        Assert.True(dependency.Versions.Satisfies(NuGetVersion.Parse("1.4.7")));
        Assert.Equal(Path.GetFullPath(ManifestFiles.Folder("ldap")), manifest.Directory);
    }

    [Fact]
    public void Capabilities_keep_YAML_types_and_quoted_scalars_stay_text()
    {
        var capabilities = ManifestReader.ReadFile(ManifestFiles.Folder("ldap")).Capabilities;

        Assert.True(capabilities["incremental"]!.GetValue<bool>());
        Assert.Equal(500, capabilities["maxBatchSize"]!.GetValue<long>());
        Assert.Equal(0.75m, capabilities["pageRatio"]!.GetValue<decimal>());
        Assert.True(capabilities.ContainsKey("deletes"));
        Assert.Null(capabilities["deletes"]);
        Assert.Equal("3", capabilities["protocol"]!.GetValue<string>());
        Assert.Equal("""["full","delta"]""", capabilities["modes"]!.ToJsonString());
    }

    [Fact]
    public void The_config_schema_in_a_manifest_validates_configuration()
    {
        var schema = ManifestReader.ReadFile(ManifestFiles.Folder("ldap")).ConfigSchema!;

        var result = schema.Validate(JsonNode.Parse("""{ "host": "ldap.example.com", "bindPassword": "s3cret" }"""));

        Assert.True(result.IsValid);
        Assert.Equal(636, result.Value["port"]!.GetValue<long>());
        Assert.Equal(200, result.Value["paging"]!["size"]!.GetValue<long>());
    }

    [Fact]
    public void A_file_path_is_read_as_well_as_a_folder()
    {
        var file = Path.Combine(ManifestFiles.Folder("minimal"), "plugin.yaml");

        var manifest = ManifestReader.ReadFile(file);

        Assert.Equal("hello", manifest.Id);
        Assert.Equal(Path.GetFullPath(ManifestFiles.Folder("minimal")), manifest.Directory);
    }

    [Fact]
    public async Task The_async_reader_reads_the_same_manifest()
    {
        var manifest = await ManifestReader.ReadFileAsync(ManifestFiles.Folder("minimal"));

        Assert.Equal("hello", manifest.Id);
    }

    [Fact]
    public void A_minimal_manifest_gets_defaults()
    {
        var manifest = ManifestReader.ReadFile(ManifestFiles.Folder("minimal"));

        Assert.Equal(PluginRuntimeKind.Assembly, manifest.Runtime);
        Assert.Equal("Hello.dll", manifest.Entry["default"]);
        Assert.Empty(manifest.Contracts);
        Assert.Empty(manifest.Tags);
        Assert.Empty(manifest.Capabilities);
        Assert.Null(manifest.ConfigSchema);
        Assert.Null(manifest.SupportedUpgradeFrom);
        Assert.Null(manifest.DisplayName.Get());
    }

    [Fact]
    public void A_folder_without_a_manifest_is_reported_clearly()
    {
        var folder = Directory.CreateTempSubdirectory("plugboard-manifest-test-");
        try
        {
            var ex = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(folder.FullName));

            var error = Assert.Single(ex.Errors);
            Assert.Equal(Path.Combine(folder.FullName, "plugin.yaml"), error.File);
            Assert.Contains("not found", ex.Message);
            Assert.Contains("needs a plugin.yaml", ex.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_path_that_does_not_exist_is_reported_clearly()
    {
        var missing = Path.Combine(Path.GetTempPath(), "plugboard-no-such-folder", "plugin.yaml");

        var ex = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(missing));

        Assert.Contains("no such file or folder", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void Every_error_in_a_file_is_reported_at_once()
    {
        var ex = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(ManifestFiles.Folder("broken")));

        var paths = ex.Errors.Select(e => e.Path).ToList();
        Assert.Contains("id", paths);
        Assert.Contains("verison", paths);
        Assert.Contains("version", paths); // missing, because of the typo
        Assert.Contains("contracts[0].version", paths);
        Assert.Contains("runtime", paths);
        Assert.Contains("tags", paths); // duplicated
        Assert.Equal(6, ex.Errors.Count);
        Assert.StartsWith("plugin.yaml is invalid (6 errors):\n  ", ex.Message);
    }

    [Fact]
    public void A_bad_value_is_reported_with_its_field_path_line_and_column()
    {
        var ex = Invalid("""
            id: demo
            version: 1.0.0
            entry: Demo.dll
            contracts:
              - name: usersync.datasource
                version: ^x
            """);

        var error = Assert.Single(ex.Errors);
        Assert.Equal("contracts[0].version", error.Path);
        Assert.Equal(6, error.Line);
        Assert.Equal(14, error.Column);
        Assert.Equal(
            "plugin.yaml is invalid (1 error):\n  plugin.yaml:6:14 contracts[0].version: '^x' is not a version range (^ needs at least a major version, e.g. ^1); use e.g. ^1.2, >=1.0 <2.0 or [1.0,2.0)",
            ex.Message);
    }

    [Fact]
    public void The_file_name_given_to_Parse_appears_in_errors()
    {
        var ex = Assert.Throws<ManifestException>(() => ManifestReader.Parse("id: demo\nversion: 1.0\nentry: a.dll\n", "plugins/demo/plugin.yaml"));

        Assert.Contains("plugins/demo/plugin.yaml:2:10 version: '1.0' is not a SemVer 2 version", ex.Message);
    }

    [Fact]
    public void A_YAML_syntax_error_is_reported_with_line_and_column()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\ntags: [a, b\nentry: a.dll\n");

        var error = Assert.Single(ex.Errors);
        Assert.Null(error.Path);
        Assert.NotNull(error.Line);
        Assert.True(error.Line >= 3);
        Assert.NotNull(error.Column);
        Assert.StartsWith("not valid YAML: ", error.Message);
        Assert.DoesNotContain("Idx:", error.Message);
    }

    [Fact]
    public void An_unquoted_range_that_YAML_cannot_read_gets_a_quoting_hint()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\nsupportedUpgradeFrom: >=1.0 <2.0\n");

        var error = Assert.Single(ex.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("must be quoted", error.Message);
    }

    [Theory]
    [InlineData("id: demo\nversion: 1.0.0\nentry: a.dll\ndescription: Sync: users\n", "text that contains ': ' must be quoted, e.g. description: 'Sync: users'")]
    [InlineData("id: demo\n\tversion: 1.0.0\n", "indent with spaces, not tabs")]
    [InlineData("id: demo\nversion: 1.0.0\n  entry: a.dll\n", "check the indentation: the fields of one map start in the same column")]
    public void Common_YAML_mistakes_get_a_hint(string yaml, string hint)
    {
        var ex = Invalid(yaml);

        Assert.EndsWith(hint, Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void An_unknown_field_suggests_the_closest_known_one()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\ndisplayname: Demo\ntagz: [a]\nflavour: x\n");

        Assert.Equal(3, ex.Errors.Count);
        Assert.Equal("unknown field 'displayname'; did you mean 'displayName'?", ex.Errors[0].Message);
        Assert.Equal("unknown field 'tagz'; did you mean 'tags'?", ex.Errors[1].Message);
        Assert.StartsWith("unknown field 'flavour'; the fields are id, version,", ex.Errors[2].Message);
        Assert.Equal((4, 1), (ex.Errors[0].Line!.Value, ex.Errors[0].Column!.Value));
    }

    [Fact]
    public void Duplicate_keys_are_errors_at_any_depth()
    {
        var ex = Invalid("""
            id: demo
            version: 1.0.0
            id: other
            entry:
              default: a.dll
              default: b.dll
            """);

        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal(("id", 3), (ex.Errors[0].Path!, ex.Errors[0].Line!.Value));
        Assert.Equal("duplicate key 'id' (first at line 1); keep only one", ex.Errors[0].Message);
        Assert.Equal(("entry.default", 6), (ex.Errors[1].Path!, ex.Errors[1].Line!.Value));
    }

    [Fact]
    public void Required_fields_are_reported_when_missing()
    {
        var ex = Invalid("provider: someone\n");

        Assert.Equal(["entry", "id", "version"], ex.Errors.Select(e => e.Path!).Order());
    }

    [Fact]
    public void An_empty_file_says_what_a_manifest_needs()
    {
        var ex = Invalid("# nothing yet\n");

        Assert.Contains("the manifest is empty", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void A_manifest_that_is_not_a_map_is_rejected()
    {
        var ex = Invalid("- id: demo\n");

        Assert.Contains("a manifest is a map of fields", Assert.Single(ex.Errors).Message);
    }

    [Theory]
    [InlineData("Demo")]
    [InlineData("-demo")]
    [InlineData("demo-")]
    [InlineData("de_mo")]
    public void Ids_must_be_lower_case_letters_digits_and_dashes(string id)
    {
        var ex = Invalid($"id: {id}\nversion: 1.0.0\nentry: a.dll\n");

        Assert.Equal("id", Assert.Single(ex.Errors).Path);
    }

    [Fact]
    public void An_id_of_64_characters_is_accepted_and_65_is_not()
    {
        var longest = new string('a', 64);

        Assert.Equal(longest, ManifestReader.Parse($"id: {longest}\nversion: 1.0.0\nentry: a.dll\n").Id);
        Invalid($"id: {longest}a\nversion: 1.0.0\nentry: a.dll\n");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("v1.2.3")]
    [InlineData("01.2.3")]
    public void Versions_must_be_strict_SemVer(string version)
    {
        var ex = Invalid($"id: demo\nversion: '{version}'\nentry: a.dll\n");

        Assert.Equal("version", Assert.Single(ex.Errors).Path);
    }

    [Fact]
    public void An_unknown_runtime_lists_the_runtimes()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\nruntime: proces\n");

        Assert.Equal("'proces' is not a runtime; did you mean 'process'?; use one of assembly, process, endpoint, command", Assert.Single(ex.Errors).Message);
    }

    [Theory]
    [InlineData("assembly")]
    [InlineData("process")]
    [InlineData("endpoint")]
    [InlineData("command")]
    public void Every_runtime_needs_an_entry(string runtime)
    {
        var ex = Invalid($"id: demo\nversion: 1.0.0\nruntime: {runtime}\n");

        var error = Assert.Single(ex.Errors);
        Assert.Equal("entry", error.Path);
        Assert.Contains($"is required for runtime {runtime}", error.Message);
    }

    [Theory]
    [InlineData("../outside.dll")]
    [InlineData("/usr/lib/evil.dll")]
    [InlineData("lib/../../evil.dll")]
    public void An_assembly_entry_must_stay_inside_the_plugin_folder(string entry)
    {
        var ex = Invalid($"id: demo\nversion: 1.0.0\nentry: '{entry}'\n");

        Assert.Contains("must be a path inside the plugin folder", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void An_endpoint_entry_is_an_address()
    {
        var manifest = ManifestReader.Parse("id: demo\nversion: 1.0.0\nruntime: endpoint\nentry: http://demo:5000\n");

        Assert.Equal("http://demo:5000", manifest.ResolveEntry("linux-x64"));
    }

    [Fact]
    public void Entries_resolve_by_exact_platform_then_operating_system_then_default()
    {
        var manifest = ManifestReader.ReadFile(ManifestFiles.Folder("ldap"));

        Assert.Equal("bin/linux-x64/ldap-plugin", manifest.ResolveEntry("linux-x64"));
        Assert.Equal("bin/osx/ldap-plugin", manifest.ResolveEntry("osx-arm64"));
        Assert.Equal("bin/ldap-plugin", manifest.ResolveEntry("linux-arm64"));
        Assert.Equal(@"bin\win-x64\ldap-plugin.exe", manifest.ResolveEntry("win-x64"));
    }

    [Fact]
    public void Without_a_default_an_unlisted_platform_has_no_entry()
    {
        var manifest = ManifestReader.Parse("id: demo\nversion: 1.0.0\nruntime: process\nentry:\n  linux-x64: bin/demo\n");

        Assert.Null(manifest.ResolveEntry("win-x64"));
        Assert.NotNull(manifest.ResolveEntry());
    }

    [Fact]
    public void A_bad_platform_name_is_an_error()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry:\n  Linux X64: a.dll\n");

        Assert.Equal("entry['Linux X64']", Assert.Single(ex.Errors).Path);
    }

    [Fact]
    public void A_plain_display_name_is_English_and_other_languages_fall_back_to_it()
    {
        var manifest = ManifestReader.Parse("id: demo\nversion: 1.0.0\nentry: a.dll\ndisplayName: Demo\n");

        Assert.Equal("Demo", manifest.DisplayName.Get(CultureInfo.GetCultureInfo("en")));
        Assert.Equal("Demo", manifest.DisplayName.Get(CultureInfo.GetCultureInfo("fr-FR")));
    }

    [Fact]
    public void Localized_text_falls_back_to_the_parent_culture_then_English()
    {
        var manifest = ManifestReader.Parse("id: demo\nversion: 1.0.0\nentry: a.dll\ndescription:\n  en: Users\n  zh: 用户\n  de-CH: Benutzer (CH)\n");

        Assert.Equal("用户", manifest.Description.Get(CultureInfo.GetCultureInfo("zh-CN")));
        Assert.Equal("Benutzer (CH)", manifest.Description.Get(CultureInfo.GetCultureInfo("de-CH")));
        Assert.Equal("Users", manifest.Description.Get(CultureInfo.GetCultureInfo("de-DE")));
        Assert.Equal("Users", manifest.Description.ToString());
    }

    [Fact]
    public void A_bad_culture_name_is_an_error()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\ndisplayName:\n  english!: Demo\n");

        Assert.Equal("displayName['english!']", Assert.Single(ex.Errors).Path);
    }

    [Fact]
    public void Contracts_take_the_short_and_the_long_form()
    {
        var manifest = ManifestReader.Parse("""
            id: demo
            version: 1.0.0
            entry: a.dll
            contracts:
              - usersync.datasource@^1.0
              - { name: audit.sink, version: "[1.0,2.0)" }
            """);

        Assert.Equal(["usersync.datasource", "audit.sink"], manifest.Contracts.Select(c => c.Name));
        Assert.Equal("[1.0,2.0)", manifest.Contracts[1].Versions.ToString());
    }

    [Fact]
    public void Contract_mistakes_are_each_reported_with_their_path()
    {
        var ex = Invalid("""
            id: demo
            version: 1.0.0
            entry: a.dll
            contracts:
              - usersync.datasource
              - { name: audit.sink }
              - { name: "bad name", version: ^1, extra: 1 }
              - [nested]
            """);

        Assert.Equal(
            ["contracts[0]", "contracts[1].version", "contracts[2].name", "contracts[2].extra", "contracts[3]"],
            ex.Errors.Select(e => e.Path!));
        Assert.Contains("needs a version range: write usersync.datasource@^1.0", ex.Errors[0].Message);
    }

    [Fact]
    public void A_range_written_as_a_YAML_list_gets_a_quoting_hint()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\ncontracts:\n  - name: a.b\n    version: [1.0, 2.0]\n");

        var error = Assert.Single(ex.Errors);
        Assert.Equal("contracts[0].version", error.Path);
        Assert.Contains("quote ranges that start with [ or (", error.Message);
    }

    [Fact]
    public void Dependencies_name_a_plugin_and_a_range()
    {
        var ex = Invalid("""
            id: demo
            version: 1.0.0
            entry: a.dll
            dependencies:
              - { id: demo, version: "*" }
              - { id: Other, version: ^1 }
              - { id: custom-audit }
            """);

        Assert.Equal(["dependencies[0]", "dependencies[1].id", "dependencies[2].version"], ex.Errors.Select(e => e.Path!));
        Assert.Contains("cannot depend on itself", ex.Errors[0].Message);
    }

    [Fact]
    public void Tags_must_be_a_list_of_text()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\ntags: sync\n");

        Assert.Equal("tags", Assert.Single(ex.Errors).Path);
    }

    [Fact]
    public void Config_schema_errors_are_reported_under_config_with_their_position()
    {
        var ex = Invalid("""
            id: demo
            version: 1.0.0
            entry: a.dll
            config:
              type: object
              properties:
                port:
                  type: integer
                  minimun: 1
                mode:
                  type: string
                  format: colour
            """);

        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal(("config.properties.port.minimun", 9, 16), (ex.Errors[0].Path!, ex.Errors[0].Line!.Value, ex.Errors[0].Column!.Value));
        Assert.StartsWith("unknown keyword 'minimun'; did you mean 'minimum'?", ex.Errors[0].Message);
        Assert.Equal(("config.properties.mode.format", 12, 15), (ex.Errors[1].Path!, ex.Errors[1].Line!.Value, ex.Errors[1].Column!.Value));
    }

    [Fact]
    public void A_config_error_about_a_block_list_points_at_its_key()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\nconfig:\n  type: object\n  properties:\n    - port\n");

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("config.properties", 6, 3), (error.Path!, error.Line!.Value, error.Column!.Value));
    }

    [Fact]
    public void Values_that_are_not_maps_where_maps_belong_are_errors()
    {
        var ex = Invalid("id: demo\nversion: 1.0.0\nentry: a.dll\ncapabilities: [a]\nconfig: yes\n");

        Assert.Equal(["capabilities", "config"], ex.Errors.Select(e => e.Path!));
    }

    [Fact]
    public void Empty_optional_fields_are_ignored()
    {
        var manifest = ManifestReader.Parse("id: demo\nversion: 1.0.0\nentry: a.dll\ntags:\nprovider: ~\n");

        Assert.Empty(manifest.Tags);
        Assert.Null(manifest.Provider);
    }

    [Fact]
    public void Anchors_and_aliases_are_followed()
    {
        var manifest = ManifestReader.Parse("id: demo\nversion: 1.0.0\nentry: a.dll\ndisplayName: &name Demo\ndescription: *name\n");

        Assert.Equal("Demo", manifest.Description.ToString());
    }

    [Fact]
    public void Alias_bombs_are_refused_instead_of_expanded()
    {
        var yaml = "id: demo\nversion: 1.0.0\nentry: a.dll\ncapabilities:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 1; i < 9; i++)
        {
            var refs = string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10));
            yaml += $"  a{i}: &a{i} [{refs}]\n";
        }

        var ex = Invalid(yaml);

        Assert.Contains("expands to more than", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var yaml = "id: demo\nversion: 1.0.0\nentry: a.dll\ncapabilities:\n  deep: " + new string('[', 500) + new string(']', 500) + "\n";

        var ex = Invalid(yaml);

        Assert.Contains("nests deeper than 64 levels", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void A_huge_file_is_refused_before_it_is_read()
    {
        var folder = Directory.CreateTempSubdirectory("plugboard-manifest-test-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "plugin.yaml"), "id: demo\n# " + new string('x', 1_100_000) + "\n");

            var ex = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(folder.FullName));

            Assert.Contains("is larger than 1024 KiB", Assert.Single(ex.Errors).Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void More_than_one_YAML_document_is_an_error()
    {
        var ex = Invalid("id: a\nversion: 1.0.0\nentry: a.dll\n---\nid: b\n");

        Assert.Contains("more than one YAML document", Assert.Single(ex.Errors).Message);
    }
}
