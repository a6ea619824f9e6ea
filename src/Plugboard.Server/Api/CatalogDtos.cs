using System.Text.Json.Nodes;
using Plugboard.Server.Catalog;
using Plugboard.Server.Store;

namespace Plugboard.Server.Api;

/// <summary>A plugin in a catalog list: its newest version's data.</summary>
public sealed record PluginSummary(
    string Id, string Kind, string LatestVersion, IReadOnlyDictionary<string, string> DisplayName, IReadOnlyDictionary<string, string> Description,
    string? Provider, IReadOnlyList<string> Tags, string Runtime, IReadOnlyList<string> Contracts, int VersionCount);

/// <summary>A contract a version implements.</summary>
public sealed record ContractDto(string Name, string Versions);

/// <summary>A dependency of a version.</summary>
public sealed record DependencyDto(string Id, string Versions);

/// <summary>One catalog version with its manifest data.</summary>
public sealed record PluginVersionDto(
    string Version, string? Digest, string? SignatureKeyId, string Origin, string Runtime, IReadOnlyList<ContractDto> Contracts,
    IReadOnlyDictionary<string, string> DisplayName, IReadOnlyDictionary<string, string> Description, string? Provider,
    IReadOnlyList<string> Tags, JsonObject Capabilities, JsonObject? ConfigSchema, string? SupportedUpgradeFrom,
    IReadOnlyList<DependencyDto> Dependencies, DateTimeOffset CreatedAt)
{
    /// <summary>Makes the DTO of a catalog version.</summary>
    public static PluginVersionDto Of(CatalogVersion v)
    {
        var m = v.Manifest;
        return new(
            v.Row.Version, v.Row.Digest, v.Row.SignatureKeyId, v.Row.Origin, v.Row.Runtime,
            m.Contracts.Select(c => new ContractDto(c.Name, c.Versions.ToString())).ToList(),
            m.DisplayName.Values, m.Description.Values, m.Provider, m.Tags, (JsonObject)m.Capabilities.DeepClone(),
            m.ConfigSchema?.ToJson(), m.SupportedUpgradeFrom?.ToString(),
            m.Dependencies.Select(d => new DependencyDto(d.Id, d.Versions.ToString())).ToList(), v.Row.CreatedAt);
    }
}

/// <summary>A plugin with all its versions (newest first).</summary>
public sealed record PluginDetail(string Id, string Kind, string? ServiceType, string? Endpoint, string? Image, DateTimeOffset CreatedAt, IReadOnlyList<PluginVersionDto> Versions)
{
    /// <summary>Makes the DTO.</summary>
    public static PluginDetail Of(PluginRow plugin, IEnumerable<CatalogVersion> versions) =>
        new(plugin.Id, plugin.Kind, plugin.ServiceType, plugin.Endpoint, plugin.Image, plugin.CreatedAt, versions.OrderByDescending(v => v.Version).Select(PluginVersionDto.Of).ToList());
}

/// <summary>One page of a list.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
