using System.Text.Json.Nodes;
using Plugboard.Manifests.Schema;

namespace Plugboard.Manifests.Tests;

public sealed class ConfigBinderTests
{
    public enum SyncMode
    {
        Full,
        Delta,
    }

    public sealed class LdapConfig
    {
        public string Host { get; set; } = "";

        public int Port { get; set; }

        public SyncMode Mode { get; set; }

        public List<string> Groups { get; set; } = [];

        public PagingConfig Paging { get; set; } = new();

        public TimeSpan Timeout { get; set; }

        public TimeSpan RetryAfter { get; set; }
    }

    public sealed class PagingConfig
    {
        public int Size { get; set; }
    }

    private const string SchemaJson = """
        {
          "type": "object",
          "required": ["host"],
          "properties": {
            "host": { "type": "string" },
            "port": { "type": "integer", "default": 636 },
            "mode": { "type": "string", "enum": ["full", "delta"], "default": "delta" },
            "groups": { "type": "array", "items": { "type": "string" } },
            "paging": { "type": "object", "properties": { "size": { "type": "integer", "default": 250 } } },
            "timeout": { "type": "string", "format": "duration", "default": "PT30S" },
            "retryAfter": { "type": "string", "format": "duration", "default": "00:01:00" }
          }
        }
        """;

    [Fact]
    public void Validated_configuration_binds_to_a_typed_class_with_nested_class_list_enum_and_durations()
    {
        var schema = ConfigSchema.Parse(JsonNode.Parse(SchemaJson)!);
        var value = schema.Validate(JsonNode.Parse("""{ "host": "ldap.example.com", "groups": ["admins", "ops"] }""")).EnsureValid();

        var config = ConfigBinder.Bind<LdapConfig>(value);

        Assert.Equal("ldap.example.com", config.Host);
        Assert.Equal(636, config.Port);
        Assert.Equal(SyncMode.Delta, config.Mode);
        Assert.Equal(["admins", "ops"], config.Groups);
        Assert.Equal(250, config.Paging.Size);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(1), config.RetryAfter);
    }

    [Fact]
    public void The_non_generic_binder_creates_the_given_type()
    {
        var config = ConfigBinder.Bind(new JsonObject { ["host"] = "h" }, typeof(LdapConfig));

        Assert.Equal("h", Assert.IsType<LdapConfig>(config).Host);
    }

    [Fact]
    public void A_value_that_does_not_fit_names_the_path_and_the_class()
    {
        var value = JsonNode.Parse("""{ "host": "h", "paging": { "size": "many" } }""")!.AsObject();

        var ex = Assert.Throws<ConfigBindingException>(() => ConfigBinder.Bind<LdapConfig>(value));

        Assert.Equal("$.paging.size", ex.Path);
        Assert.Equal(typeof(LdapConfig), ex.ConfigType);
        Assert.Contains("$.paging.size", ex.Message);
        Assert.Contains(typeof(LdapConfig).FullName!, ex.Message);
        Assert.DoesNotContain("LineNumber", ex.Message);
    }

    [Fact]
    public void An_unknown_enum_value_is_a_binding_error()
    {
        var ex = Assert.Throws<ConfigBindingException>(() => ConfigBinder.Bind<LdapConfig>(JsonNode.Parse("""{ "mode": "sideways" }""")!.AsObject()));

        Assert.Equal("$.mode", ex.Path);
    }

    [Fact]
    public void A_bad_duration_is_a_binding_error()
    {
        var ex = Assert.Throws<ConfigBindingException>(() => ConfigBinder.Bind<LdapConfig>(JsonNode.Parse("""{ "timeout": "soon" }""")!.AsObject()));

        Assert.Equal("$.timeout", ex.Path);
        Assert.Contains("A duration must be text such as PT30S or 00:00:30.", ex.Message);
    }
}
