using System.Text.Json.Nodes;
using Plugboard.Manifests.Schema;

namespace Plugboard.Manifests.Tests;

public sealed class ConfigSchemaParseTests
{
    private static ConfigSchemaException Invalid(string json) =>
        Assert.Throws<ConfigSchemaException>(() => ConfigSchema.Parse(JsonNode.Parse(json)!));

    [Fact]
    public void A_schema_using_every_keyword_parses_and_round_trips_to_JSON()
    {
        const string json = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "$comment": "every keyword",
              "type": "object",
              "title": "LDAP",
              "description": "Connection settings",
              "additionalProperties": false,
              "required": ["host"],
              "properties": {
                "host": { "type": "string", "format": "hostname", "minLength": 1, "maxLength": 253, "x-order": 1, "x-widget": "text",
                          "x-title": { "en": "Host", "zh-CN": "主机" }, "x-description": { "en": "The server" } },
                "port": { "type": "integer", "minimum": 1, "maximum": 65535, "default": 636 },
                "ratio": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
                "mode": { "type": "string", "enum": ["full", "delta"] },
                "kind": { "const": "ldap" },
                "user": { "type": ["string", "null"], "pattern": "^[a-z]+$" },
                "password": { "type": "string", "writeOnly": true, "x-widget": "password" },
                "servers": { "type": "array", "minItems": 1, "maxItems": 3, "items": { "type": "string", "format": "uri" } },
                "tls": { "type": "boolean", "default": true }
              }
            }
            """;

        var schema = ConfigSchema.Parse(JsonNode.Parse(json)!);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), schema.ToJson()));
        Assert.Equal(["$.password"], schema.SecretPaths);
    }

    [Fact]
    public void ToJson_returns_a_copy()
    {
        var schema = ConfigSchema.Parse(JsonNode.Parse("""{ "type": "object" }""")!);

        schema.ToJson()["title"] = "changed";

        Assert.False(schema.ToJson().ContainsKey("title"));
    }

    [Fact]
    public void Secret_paths_cover_nested_objects_and_list_items()
    {
        var schema = ConfigSchema.Parse(JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "db": { "type": "object", "properties": { "password": { "type": "string", "writeOnly": true } } },
                "servers": { "type": "array", "items": { "type": "object", "properties": { "token": { "type": "string", "writeOnly": true } } } },
                "keys": { "type": "array", "items": { "type": "string", "writeOnly": true } }
              }
            }
            """)!);

        Assert.Equal(["$.db.password", "$.servers[*].token", "$.keys[*]"], schema.SecretPaths);
    }

    [Fact]
    public void Every_problem_in_a_schema_is_reported_with_its_path()
    {
        var ex = Invalid("""
            {
              "type": "object",
              "required": ["host", "prot"],
              "properties": {
                "host": { "type": "strnig" },
                "port": { "type": "integer", "minimum": "1", "maximum": 0, "maxLenght": 3 },
                "mode": { "type": "string", "enum": [], "format": "colour", "pattern": "([a-z" },
                "count": { "type": "integer", "minItems": -1, "default": "ten" },
                "tags": { "type": "array", "items": "string" },
                "flag": { "type": "boolean", "writeOnly": "yes", "x-order": 1.5, "x-widget": "dial", "x-title": "Flag" },
                "odd": 42
              }
            }
            """);

        Assert.Equal(
            [
                "$.properties.host.type",
                "$.properties.port.minimum",
                "$.properties.port.maxLenght",
                "$.properties.mode.enum",
                "$.properties.mode.format",
                "$.properties.mode.pattern",
                "$.properties.count.minItems",
                "$.properties.count.minItems",
                "$.properties.count.default",
                "$.properties.tags.items",
                "$.properties.flag.writeOnly",
                "$.properties.flag.x-order",
                "$.properties.flag.x-widget",
                "$.properties.flag.x-title",
                "$.properties.odd",
                "$.required[1]",
            ],
            ex.Errors.Select(e => e.Path));
        Assert.Contains("'prot' is required but not declared in properties; did you mean 'port'?", ex.Message);
        Assert.StartsWith($"The config schema is invalid ({ex.Errors.Count} errors):\n  ", ex.Message);
    }

    [Fact]
    public void An_unknown_keyword_suggests_the_closest_and_lists_the_allowed_ones()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "a": { "type": "string", "maxLenght": 3 } } }""");

        var error = Assert.Single(ex.Errors);
        Assert.Equal("$.properties.a.maxLenght", error.Path);
        Assert.StartsWith("unknown keyword 'maxLenght'; did you mean 'maxLength'?; allowed keywords: type, properties,", error.Message);
    }

    [Fact]
    public void Keywords_for_another_type_are_errors()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "a": { "type": "integer", "pattern": "x", "minimum": 1 } } }""");

        var error = Assert.Single(ex.Errors);
        Assert.Equal("$.properties.a.pattern", error.Path);
        Assert.Equal("'pattern' applies to strings, but the type is integer", error.Message);
    }

    [Fact]
    public void Minimums_above_maximums_are_errors()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "a": { "type": "string", "minLength": 5, "maxLength": 2 } } }""");

        Assert.Equal("minLength (5) is greater than maxLength (2)", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void A_default_that_breaks_its_own_schema_is_an_error()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "port": { "type": "integer", "maximum": 10, "default": 80 } } }""");

        var error = Assert.Single(ex.Errors);
        Assert.Equal("$.properties.port.default", error.Path);
        Assert.Equal("the default does not fit the schema: 80 is above the maximum 10", error.Message);
    }

    [Fact]
    public void A_secret_default_that_breaks_its_schema_is_not_echoed()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "key": { "type": "string", "writeOnly": true, "minLength": 20, "default": "hunter2" } } }""");

        Assert.DoesNotContain("hunter2", ex.Message);
        Assert.Contains("the secret value is shorter than 20", ex.Message);
    }

    [Fact]
    public void Enum_values_must_match_the_type()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "a": { "type": "string", "enum": ["x", 2] } } }""");

        Assert.Equal("$.properties.a.enum[1]", Assert.Single(ex.Errors).Path);
    }

    [Fact]
    public void The_root_must_describe_an_object()
    {
        Assert.Equal("$.type", Assert.Single(Invalid("""{ "type": "string" }""").Errors).Path);
        Assert.Equal("$", Assert.Single(Invalid("""[1, 2]""").Errors).Path);
    }

    [Fact]
    public void Types_may_be_a_list_including_null()
    {
        var schema = ConfigSchema.Parse(JsonNode.Parse("""{ "type": "object", "properties": { "a": { "type": ["integer", "null"] } } }""")!);

        Assert.True(schema.Validate(JsonNode.Parse("""{ "a": null }""")).IsValid);
        Assert.True(schema.Validate(JsonNode.Parse("""{ "a": 3 }""")).IsValid);
        Assert.False(schema.Validate(JsonNode.Parse("""{ "a": "3" }""")).IsValid);
    }

    [Fact]
    public void A_list_of_types_with_repeats_or_unknown_names_is_an_error()
    {
        var ex = Invalid("""{ "type": "object", "properties": { "a": { "type": ["string", "string", "text"] } } }""");

        Assert.Equal(["$.properties.a.type[1]", "$.properties.a.type[2]"], ex.Errors.Select(e => e.Path));
    }
}
