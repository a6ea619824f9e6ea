using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Plugboard.Server.Api;

namespace Plugboard.Server.Kubernetes;

/// <summary>
/// The compute resources an installation asks for where it runs as a workload (Kubernetes): <c>limits</c> and
/// <c>requests</c>, each with <c>cpu</c> and <c>memory</c> in Kubernetes quantities (<c>500m</c>, <c>256Mi</c>).
/// Kept on the installation (<c>resources</c> in the API) because the same plugin may need more in one scope than in another.
/// </summary>
public static class InstallationResources
{
    private static readonly string[] Kinds = ["limits", "requests"];
    private static readonly string[] Names = ["cpu", "memory"];

    /// <summary>Checks a <c>resources</c> object and returns it normalized for storage, or the errors with their JSON paths.</summary>
    /// <param name="resources">The object sent, e.g. <c>{"limits":{"cpu":"500m","memory":"256Mi"}}</c>.</param>
    /// <param name="errors">Receives what is wrong, under <c>$.resources</c>.</param>
    /// <returns>The JSON to store, or null when nothing is asked.</returns>
    public static string? Normalize(JsonObject? resources, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (resources is null || resources.Count == 0)
        {
            return null;
        }

        var normalized = new JsonObject();
        foreach (var (kind, node) in resources)
        {
            if (!Kinds.Contains(kind, StringComparer.Ordinal))
            {
                errors.Add(new($"$.resources.{kind}", "unknown; use 'limits' and 'requests'"));
                continue;
            }

            if (node is not JsonObject values)
            {
                errors.Add(new($"$.resources.{kind}", "must be an object such as {\"cpu\": \"500m\", \"memory\": \"256Mi\"}"));
                continue;
            }

            var checkedValues = new JsonObject();
            foreach (var (name, value) in values)
            {
                var path = $"$.resources.{kind}.{name}";
                if (!Names.Contains(name, StringComparer.Ordinal))
                {
                    errors.Add(new(path, "unknown; use 'cpu' and 'memory'"));
                }
                else if (value?.GetValueKind() != JsonValueKind.String || !TryParse((string)value!, out var quantity))
                {
                    errors.Add(new(path, "must be a Kubernetes quantity as a string, e.g. \"500m\" or \"1\" for cpu, \"256Mi\" or \"1Gi\" for memory"));
                }
                else
                {
                    checkedValues[name] = quantity.ToString();
                }
            }

            normalized[kind] = checkedValues;
        }

        return errors.Count == 0 ? normalized.ToJsonString() : null;
    }

    /// <summary>The stored resources as Kubernetes resource requirements, or null when none are asked.</summary>
    public static V1ResourceRequirements? ToRequirements(string? stored)
    {
        if (string.IsNullOrEmpty(stored) || JsonNode.Parse(stored) is not JsonObject resources)
        {
            return null;
        }

        return new V1ResourceRequirements
        {
            Limits = Quantities(resources["limits"] as JsonObject),
            Requests = Quantities(resources["requests"] as JsonObject),
        };
    }

    /// <summary>The stored resources as a JSON object for the API, or null.</summary>
    public static JsonObject? ToJson(string? stored) =>
        string.IsNullOrEmpty(stored) ? null : JsonNode.Parse(stored) as JsonObject;

    private static Dictionary<string, ResourceQuantity>? Quantities(JsonObject? values) =>
        values is null || values.Count == 0 ? null
            : values.ToDictionary(p => p.Key, p => new ResourceQuantity((string)p.Value!), StringComparer.Ordinal);

    private static bool TryParse(string text, out ResourceQuantity quantity)
    {
        quantity = null!;
        if (string.IsNullOrWhiteSpace(text) || text.Trim() != text)
        {
            return false;
        }

        try
        {
            quantity = new ResourceQuantity(text);
            return quantity.ToDecimal() >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
