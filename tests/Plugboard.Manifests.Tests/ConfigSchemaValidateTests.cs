using System.Text.Json.Nodes;
using Plugboard.Manifests.Schema;

namespace Plugboard.Manifests.Tests;

public sealed class ConfigSchemaValidateTests
{
    private static ConfigSchema Schema(string properties, string extra = "") =>
        ConfigSchema.Parse(JsonNode.Parse($$"""{ "type": "object", {{extra}} "properties": {{{properties}}} }""")!);

    private static ConfigError SingleError(ConfigSchema schema, string config) =>
        Assert.Single(schema.Validate(JsonNode.Parse(config)).Errors);

    [Fact]
    public void Null_configuration_is_an_empty_object_with_defaults()
    {
        var schema = Schema("""
            "port": { "type": "integer", "default": 389 },
            "tls": { "type": "boolean", "default": true }
            """);

        var result = schema.Validate(null);

        Assert.True(result.IsValid);
        Assert.Equal("""{"port":389,"tls":true}""", result.Value.ToJsonString());
    }

    [Fact]
    public void Defaults_fill_nested_objects_and_list_items_without_changing_the_input()
    {
        var schema = Schema("""
            "paging": { "type": "object", "properties": {
                "size": { "type": "integer", "default": 100 },
                "retry": { "type": "object", "properties": { "count": { "type": "integer", "default": 3 } } } } },
            "servers": { "type": "array", "items": { "type": "object", "properties": {
                "host": { "type": "string" }, "port": { "type": "integer", "default": 636 } } } },
            "given": { "type": "integer", "default": 1 }
            """);
        var input = JsonNode.Parse("""{ "servers": [ { "host": "a" }, { "host": "b", "port": 1 } ], "given": 5 }""")!;

        var result = schema.Validate(input);

        Assert.True(result.IsValid);
        Assert.Equal(100, result.Value["paging"]!["size"]!.GetValue<long>());
        Assert.Equal(3, result.Value["paging"]!["retry"]!["count"]!.GetValue<long>());
        Assert.Equal(636, result.Value["servers"]![0]!["port"]!.GetValue<long>());
        Assert.Equal(1, result.Value["servers"]![1]!["port"]!.GetValue<int>());
        Assert.Equal(5, result.Value["given"]!.GetValue<int>());
        Assert.False(input.AsObject().ContainsKey("paging"));
    }

    [Fact]
    public void A_required_object_that_is_missing_is_reported_not_invented()
    {
        var schema = Schema("""
            "paging": { "type": "object", "properties": { "size": { "type": "integer", "default": 100 } } }
            """, """ "required": ["paging"], """);

        var error = SingleError(schema, "{}");

        Assert.Equal(new ConfigError("$.paging", "is required but missing"), error);
    }

    [Fact]
    public void Every_error_is_reported_with_its_JSON_path()
    {
        var schema = Schema("""
            "host": { "type": "string", "format": "hostname" },
            "port": { "type": "integer", "minimum": 1, "maximum": 65535 },
            "mode": { "type": "string", "enum": ["full", "delta"] },
            "servers": { "type": "array", "items": { "type": "object", "required": ["url"], "properties": {
                "url": { "type": "string", "format": "uri" } } } },
            "name": { "type": "string", "minLength": 3 }
            """, """ "required": ["host", "name"], """);

        var result = schema.Validate(JsonNode.Parse("""
            { "port": 70000, "mode": "partial", "servers": [ { "url": "https://a" }, { "url": "not a uri" }, {} ], "name": "ab" }
            """));

        Assert.Equal(
            [
                new ConfigError("$.host", "is required but missing"),
                new ConfigError("$.port", "70000 is above the maximum 65535"),
                new ConfigError("$.mode", "'partial' is not one of the allowed values: 'full', 'delta'"),
                new ConfigError("$.servers[1].url", "'not a uri' is not an absolute URI such as https://example.com/path"),
                new ConfigError("$.servers[2].url", "is required but missing"),
                new ConfigError("$.name", "'ab' is shorter than 3 character(s)"),
            ],
            result.Errors);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("""{ "type": "string" }""", "42", "42 is an integer; expected a string")]
    [InlineData("""{ "type": "integer" }""", "1.5", "1.5 is a number; expected an integer")]
    [InlineData("""{ "type": "number" }""", "true", "true is a boolean; expected a number")]
    [InlineData("""{ "type": "boolean" }""", "\"yes\"", "'yes' is a string; expected a boolean")]
    [InlineData("""{ "type": "array" }""", "{}", "{} is an object; expected an array")]
    [InlineData("""{ "type": "object" }""", "[]", "[] is an array; expected an object")]
    [InlineData("""{ "type": "string" }""", "null", "null is null; expected a string")]
    [InlineData("""{ "const": "ldap" }""", "\"ad\"", "'ad' must be 'ldap'")]
    [InlineData("""{ "type": "number", "minimum": 0.5 }""", "0.4", "0.4 is below the minimum 0.5")]
    [InlineData("""{ "type": "number", "exclusiveMinimum": 0 }""", "0", "0 must be greater than 0")]
    [InlineData("""{ "type": "number", "exclusiveMaximum": 1 }""", "1.0", "1.0 must be less than 1")]
    [InlineData("""{ "type": "string", "maxLength": 2 }""", "\"abc\"", "'abc' is longer than 2 character(s)")]
    [InlineData("""{ "type": "string", "pattern": "^[a-z]+$" }""", "\"ABC\"", "'ABC' does not match the pattern ^[a-z]+$")]
    [InlineData("""{ "type": "array", "minItems": 2 }""", "[1]", "has 1 item(s); at least 2 required")]
    [InlineData("""{ "type": "array", "maxItems": 1 }""", "[1, 2]", "has 2 item(s); at most 1 allowed")]
    [InlineData("""{ "type": "string", "format": "email" }""", "\"ops@\"", "'ops@' is not an email address such as ops@example.com")]
    [InlineData("""{ "type": "string", "format": "ipv4" }""", "\"10.0.0.256\"", "'10.0.0.256' is not an IPv4 address such as 10.0.0.1")]
    [InlineData("""{ "type": "string", "format": "hostname" }""", "\"-bad-.com\"", "'-bad-.com' is not a host name such as db.example.com")]
    [InlineData("""{ "type": "string", "format": "date-time" }""", "\"2024-05-01 12:00\"", "'2024-05-01 12:00' is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z")]
    [InlineData("""{ "type": "string", "format": "duration" }""", "\"5 minutes\"", "'5 minutes' is not a duration such as PT30S, P1DT2H or 00:00:30")]
    public void Each_keyword_reports_its_own_error(string property, string value, string message)
    {
        var schema = Schema($"\"a\": {property}");

        var error = SingleError(schema, $$"""{ "a": {{value}} }""");

        Assert.Equal(new ConfigError("$.a", message), error);
    }

    [Theory]
    [InlineData("email", "ops@example.com")]
    [InlineData("uri", "https://example.com/a?b=c")]
    [InlineData("hostname", "db-1.example.com")]
    [InlineData("ipv4", "192.168.0.1")]
    [InlineData("date-time", "2024-05-01T12:00:00Z")]
    [InlineData("date-time", "2024-05-01T12:00:00.123+02:00")]
    [InlineData("duration", "PT30S")]
    [InlineData("duration", "P1DT2H")]
    [InlineData("duration", "1.02:00:00")]
    public void Valid_formats_pass(string format, string value)
    {
        var schema = Schema($$"""
            "a": { "type": "string", "format": "{{format}}" }
            """);

        Assert.True(schema.Validate(new JsonObject { ["a"] = value }).IsValid);
    }

    [Fact]
    public void Integers_written_with_a_fraction_of_zero_are_integers()
    {
        var schema = Schema("""
            "a": { "type": "integer", "enum": [1, 2] }
            """);

        Assert.True(schema.Validate(JsonNode.Parse("""{ "a": 2.0 }""")).IsValid);
    }

    [Fact]
    public void Unknown_settings_are_allowed_unless_additional_properties_is_false()
    {
        var open = Schema("""
            "port": { "type": "integer" }
            """);
        var closed = Schema("""
            "port": { "type": "integer" }
            """, """ "additionalProperties": false, """);

        Assert.True(open.Validate(JsonNode.Parse("""{ "prot": 1 }""")).IsValid);
        Assert.Equal(
            new ConfigError("$.prot", "'prot' is not a known setting; did you mean 'port'?; known settings: port"),
            SingleError(closed, """{ "prot": 1 }"""));
    }

    [Fact]
    public void Configuration_that_is_not_an_object_is_an_error()
    {
        var schema = Schema("""
            "a": { "type": "integer", "default": 1 }
            """);

        var result = schema.Validate(JsonNode.Parse("[1]"));

        Assert.Equal("$", Assert.Single(result.Errors).Path);
        Assert.Equal(1, result.Value["a"]!.GetValue<long>());
    }

    [Fact]
    public void Secret_values_never_appear_in_messages()
    {
        var schema = Schema("""
            "password": { "type": "string", "writeOnly": true, "minLength": 12, "pattern": "[0-9]", "enum": ["aaaaaaaaaaaa1"] },
            "pin": { "type": "integer", "writeOnly": true, "maximum": 9999 },
            "db": { "type": "object", "writeOnly": true, "properties": { "dsn": { "type": "string", "format": "uri" } } }
            """);

        var result = schema.Validate(JsonNode.Parse("""{ "password": "hunter", "pin": 123456, "db": { "dsn": "secret dsn" } }"""));

        Assert.Equal(5, result.Errors.Count);
        foreach (var error in result.Errors)
        {
            Assert.DoesNotContain("hunter", error.Message);
            Assert.DoesNotContain("123456", error.Message);
            Assert.DoesNotContain("secret dsn", error.Message);
            Assert.StartsWith("the secret value ", error.Message);
        }

        var typeError = SingleError(schema, """{ "pin": "letmein" }""");
        Assert.Equal("the secret value is a string; expected an integer", typeError.Message);
    }

    [Fact]
    public void Redact_masks_secrets_at_every_depth_and_leaves_the_input_alone()
    {
        var schema = ConfigSchema.Parse(JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "user": { "type": "string" },
                "password": { "type": "string", "writeOnly": true },
                "servers": { "type": "array", "items": { "type": "object", "properties": { "token": { "type": "string", "writeOnly": true } } } },
                "keys": { "type": "array", "items": { "type": "string", "writeOnly": true } },
                "unset": { "type": "string", "writeOnly": true }
              }
            }
            """)!);
        var value = JsonNode.Parse("""{ "user": "bob", "password": "p", "servers": [ { "token": "t1" }, { "token": null } ], "keys": ["k1", "k2"] }""")!.AsObject();

        var redacted = schema.Redact(value);

        Assert.Equal("""{"user":"bob","password":"***","servers":[{"token":"***"},{"token":null}],"keys":["***","***"]}""", redacted.ToJsonString());
        Assert.Equal("p", value["password"]!.GetValue<string>());
    }

    [Fact]
    public void EnsureValid_throws_with_every_error_listed()
    {
        var schema = Schema("""
            "a": { "type": "integer" }, "b": { "type": "string", "writeOnly": true }
            """, """ "required": ["a"], """);

        var ex = Assert.Throws<ConfigValidationException>(() => schema.Validate(JsonNode.Parse("""{ "b": 5 }""")).EnsureValid());

        Assert.Equal("The configuration is invalid (2 errors):\n  $.a: is required but missing\n  $.b: the secret value is an integer; expected a string", ex.Message);
    }

    [Fact]
    public void A_catastrophic_pattern_times_out_instead_of_hanging()
    {
        var schema = Schema("""
            "a": { "type": "string", "pattern": "^(a+)+$" }
            """);

        var error = SingleError(schema, $$"""{ "a": "{{new string('a', 40)}}!" }""");

        Assert.Contains("could not be checked against the pattern", error.Message);
    }

    [Fact]
    public void Properties_with_unusual_names_get_bracketed_paths()
    {
        var schema = Schema("""
            "base url": { "type": "string", "format": "uri" }
            """);

        Assert.Equal("$['base url']", SingleError(schema, """{ "base url": "x" }""").Path);
    }
}
