using System.Text;

namespace Plugboard.Manifests.Tests;

/// <summary>The bytes of a manifest, as a file or inside a package, are read one way by every reader.</summary>
public sealed class ManifestBytesTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void A_byte_order_mark_is_accepted_from_bytes_and_from_a_file_alike()
    {
        var bytes = (byte[])[.. Bom, .. Utf8("id: custom-bom\nversion: 1.0.0\nentry: a.dll\n")];
        var folder = Directory.CreateTempSubdirectory("pb-manifest-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, PluginManifest.FileName), bytes);

            Assert.Equal("custom-bom", ManifestReader.ParseUtf8(bytes).Id);
            Assert.Equal("custom-bom", ManifestReader.ReadFile(folder).Id);
            Assert.Equal("custom-bom", ManifestReader.Parse(Encoding.UTF8.GetString(bytes)).Id);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Invalid_UTF8_is_refused_with_its_line()
    {
        var bytes = (byte[])[.. Utf8("id: custom-latin\nversion: 1.0.0\ndescription: caf"), 0xE9, .. Utf8("\nentry: a.dll\n")];

        var error = Assert.Single(Assert.Throws<ManifestException>(() => ManifestReader.ParseUtf8(bytes, "x/plugin.yaml")).Errors);

        Assert.Equal(3, error.Line);
        Assert.Equal(17, error.Column);
        Assert.Contains("not valid UTF-8 (byte 0xE9)", error.Message);
    }

    [Fact]
    public void Tab_indentation_is_reported_at_the_line_holding_the_tab()
    {
        var yaml = "id: custom-tab\nversion: 1.0.0\nentry: a.dll\ncapabilities:\n  a: 1\n\tb: 2\n  c: 3\n";

        var error = Assert.Single(Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml)).Errors);

        Assert.Equal(6, error.Line);
        Assert.EndsWith("indent with spaces, not tabs", error.Message);
    }

    [Theory]
    [InlineData("id: custom-tag\nversion: 1.0.0\nentry: !!python/object:os.system a.dll\n", 3, "python/object:os.system")]
    [InlineData("id: custom-tag\nversion: 1.0.0\nentry: a.dll\ncapabilities: !!map\n  a: !!binary aGVsbG8=\n", 4, "tag:yaml.org,2002:map")]
    public void YAML_tags_are_refused_not_ignored(string yaml, int line, string tag)
    {
        var error = Assert.Single(Assert.Throws<ManifestException>(() => ManifestReader.Parse(yaml)).Errors);

        Assert.Equal(line, error.Line);
        Assert.Contains(tag, error.Message);
        Assert.Contains("not allowed", error.Message);
    }
}
