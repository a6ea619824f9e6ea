using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plugboard.Manifests.Text;

namespace Plugboard.Manifests.Schema;

/// <summary>Checks configuration against a <see cref="SchemaNode"/> tree and fills in defaults.</summary>
/// <remarks>Messages describe a value by its text only outside <c>writeOnly</c> fields; inside, "the secret value".</remarks>
internal sealed class ConfigValidator(List<ConfigError> errors)
{
    /// <summary>Adds missing properties that have defaults, creating missing optional objects that hold some.</summary>
    public static void ApplyDefaults(SchemaNode schema, JsonNode? value)
    {
        if (value is JsonObject obj && schema.Properties is not null)
        {
            foreach (var (name, property) in schema.Properties)
            {
                if (!obj.ContainsKey(name))
                {
                    if (property.HasDefault)
                    {
                        obj[name] = property.Default?.DeepClone();
                    }
                    else if (property.IsObjectWithProperties && property.HasNestedDefaults && !schema.Required.Contains(name))
                    {
                        obj[name] = new JsonObject();
                    }
                }

                if (obj.TryGetPropertyValue(name, out var child))
                {
                    ApplyDefaults(property, child);
                }
            }
        }
        else if (value is JsonArray array && schema.Items is not null)
        {
            foreach (var item in array)
            {
                ApplyDefaults(schema.Items, item);
            }
        }
    }

    public void Validate(SchemaNode schema, JsonNode? value, string path, bool secret)
    {
        secret |= schema.WriteOnly;
        var subject = JsonValues.Describe(value, secret);
        var type = JsonValues.TypeOf(value);
        if (schema.Types is not null && !schema.Allows(type))
        {
            var expected = string.Join(" or ", schema.Types.Select(JsonValues.WithArticle));
            Error(path, $"{subject} is {JsonValues.WithArticle(type)}; expected {expected}");
            return;
        }

        if (schema.HasConst && !JsonValues.AreEqual(value, schema.Const))
        {
            Error(path, $"{subject} must be {JsonValues.Show(schema.Const)}");
        }

        if (schema.Enum is not null && !schema.Enum.Any(allowed => JsonValues.AreEqual(value, allowed)))
        {
            Error(path, $"{subject} is not one of the allowed values: {string.Join(", ", schema.Enum.Select(JsonValues.Show))}");
        }

        switch (value)
        {
            case JsonObject obj:
                ValidateObject(schema, obj, path, secret);
                break;
            case JsonArray array:
                ValidateArray(schema, array, path, secret);
                break;
            case not null when value.GetValueKind() == JsonValueKind.String:
                ValidateString(schema, value.GetValue<string>(), path, subject);
                break;
            case not null when value.GetValueKind() == JsonValueKind.Number:
                ValidateNumber(schema, value, path, subject);
                break;
        }
    }

    private void ValidateObject(SchemaNode schema, JsonObject obj, string path, bool secret)
    {
        foreach (var name in schema.Required)
        {
            if (!obj.ContainsKey(name))
            {
                Error(FieldPath.Property(path, name), "is required but missing");
            }
        }

        foreach (var (name, child) in obj)
        {
            var childPath = FieldPath.Property(path, name);
            if (schema.Properties is not null && schema.Properties.TryGetValue(name, out var property))
            {
                Validate(property, child, childPath, secret);
            }
            else if (!schema.AdditionalProperties)
            {
                var known = schema.Properties?.Keys ?? (IEnumerable<string>)[];
                Error(childPath, $"'{name}' is not a known setting{NameSuggestion.DidYouMean(name, known)}; known settings: {string.Join(", ", known)}");
            }
        }
    }

    private void ValidateArray(SchemaNode schema, JsonArray array, string path, bool secret)
    {
        if (schema.MinItems is { } min && array.Count < min)
        {
            Error(path, $"has {array.Count} item(s); at least {min} required");
        }

        if (schema.MaxItems is { } max && array.Count > max)
        {
            Error(path, $"has {array.Count} item(s); at most {max} allowed");
        }

        if (schema.Items is not null)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(schema.Items, array[i], FieldPath.Index(path, i), secret);
            }
        }
    }

    private void ValidateString(SchemaNode schema, string text, string path, string subject)
    {
        // JSON Schema counts characters as code points, so an emoji is one character.
        var length = text.EnumerateRunes().Count();
        if (schema.MinLength is { } min && length < min)
        {
            Error(path, $"{subject} is shorter than {min} character(s)");
        }

        if (schema.MaxLength is { } max && length > max)
        {
            Error(path, $"{subject} is longer than {max} character(s)");
        }

        if (schema.Pattern is { } pattern)
        {
            try
            {
                if (!pattern.IsMatch(text))
                {
                    Error(path, $"{subject} does not match the pattern {pattern}");
                }
            }
            catch (RegexMatchTimeoutException)
            {
                Error(path, $"{subject} could not be checked against the pattern {pattern} in time; simplify the pattern");
            }
        }

        if (schema.Format is { } format && !StringFormats.IsValid(format, text))
        {
            Error(path, $"{subject} is not {StringFormats.Describe(format)}");
        }
    }

    private void ValidateNumber(SchemaNode schema, JsonNode value, string path, string subject)
    {
        if (schema.Minimum is { } minimum && JsonValues.CompareNumber(value, minimum) < 0)
        {
            Error(path, $"{subject} is below the minimum {minimum}");
        }

        if (schema.Maximum is { } maximum && JsonValues.CompareNumber(value, maximum) > 0)
        {
            Error(path, $"{subject} is above the maximum {maximum}");
        }

        if (schema.ExclusiveMinimum is { } above && JsonValues.CompareNumber(value, above) <= 0)
        {
            Error(path, $"{subject} must be greater than {above}");
        }

        if (schema.ExclusiveMaximum is { } below && JsonValues.CompareNumber(value, below) >= 0)
        {
            Error(path, $"{subject} must be less than {below}");
        }
    }

    private void Error(string path, string message) => errors.Add(new ConfigError(path, message));
}
