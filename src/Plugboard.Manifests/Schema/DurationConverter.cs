using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Plugboard.Manifests.Schema;

/// <summary>Reads a <see cref="TimeSpan"/> written either as ISO 8601 (<c>PT30S</c>, what <c>format: duration</c> means) or as .NET's <c>00:00:30</c>.</summary>
internal sealed class DurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A duration must be text such as PT30S or 00:00:30.");
        }

        var text = reader.GetString()!;
        try
        {
            return text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal)
                ? XmlConvert.ToTimeSpan(text)
                : TimeSpan.ParseExact(text, "c", CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new JsonException("A duration must be text such as PT30S or 00:00:30.", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
}
