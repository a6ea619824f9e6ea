using System.Text.Json;
using System.Text.Json.Serialization;

namespace UserSync.Plugins.CsvProcess;

/// <summary>
/// The configuration's serializer, generated at build time: Init binds <see cref="CsvProcessConfig"/> without
/// reflection, so the plugin also runs published with Native AOT. Web defaults: the schema's names are camelCase.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CsvProcessConfig))]
public sealed partial class CsvProcessJson : JsonSerializerContext;
