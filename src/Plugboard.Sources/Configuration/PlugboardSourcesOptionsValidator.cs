using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Plugboard.Manifests.Versioning;
using Plugboard.Sources;

namespace Plugboard.Sources.Configuration;

/// <summary>Checks <see cref="PlugboardSourcesOptions"/> and lists every problem at once, each naming the source and field.</summary>
public sealed partial class PlugboardSourcesOptionsValidator : IValidateOptions<PlugboardSourcesOptions>
{
    private readonly IReadOnlyList<IPluginSourceProvider> _providers;

    /// <summary>Creates the validator for the source types <paramref name="providers"/> make.</summary>
    public PlugboardSourcesOptionsValidator(IEnumerable<IPluginSourceProvider> providers) => _providers = [.. providers];

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PlugboardSourcesOptions options)
    {
        var errors = Check(options, _providers);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem of <paramref name="options"/>; empty when they are valid.</summary>
    public static IReadOnlyList<string> Check(PlugboardSourcesOptions options, IEnumerable<IPluginSourceProvider> providers)
    {
        var errors = new List<string>();
        var byType = providers.ToDictionary(p => p.Type, StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(options.CacheDirectory))
        {
            errors.Add("CacheDirectory is required: the folder where synced packages are cached.");
        }

        if (options.SyncInterval < TimeSpan.Zero)
        {
            errors.Add($"SyncInterval must not be negative (got {options.SyncInterval}); use 00:00:00 to turn the background sync off.");
        }

        if (options.CacheLockTimeout <= TimeSpan.Zero)
        {
            errors.Add($"CacheLockTimeout must be positive (got {options.CacheLockTimeout}); it is how long a sync waits for another one holding the cache.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var label = string.IsNullOrWhiteSpace(source.Name) ? $"Sources[{i}]" : $"Source '{source.Name}'";
            if (string.IsNullOrWhiteSpace(source.Name))
            {
                errors.Add($"Sources[{i}]: Name is required.");
            }
            else if (!SourceName().IsMatch(source.Name))
            {
                errors.Add($"{label}: Name may hold only letters, digits, '-', '_' and '.', and must start with a letter or digit.");
            }
            else if (seen.TryGetValue(source.Name, out var first))
            {
                errors.Add($"{label}: the name is already used by Sources[{first}] ('{options.Sources[first].Name}'); source names must be unique, ignoring case.");
            }
            else
            {
                seen[source.Name] = i;
            }

            if (!byType.TryGetValue(source.Type ?? string.Empty, out var provider))
            {
                errors.Add($"{label}: Type '{source.Type}' is not known; use one of {string.Join(", ", byType.Keys.Order())}{(byType.ContainsKey("s3") ? string.Empty : " (s3 needs Plugboard.Sources.S3)")}.");
            }
            else
            {
                provider.Validate(source, errors);
            }

            if (source.Timeout <= TimeSpan.Zero)
            {
                errors.Add($"{label}: Timeout must be positive.");
            }

            if (source.MaxDownloadBytes <= 0)
            {
                errors.Add($"{label}: MaxDownloadBytes must be positive (got {source.MaxDownloadBytes}); it is the most bytes the source may download in one sync.");
            }

            if (source.RequireSignature && string.IsNullOrWhiteSpace(source.TrustedKeys))
            {
                errors.Add($"{label}: RequireSignature is set but TrustedKeys is not; give the folder of the publishers' public keys (*.pem).");
            }

            if (!string.IsNullOrWhiteSpace(source.TrustedKeys) && !Directory.Exists(source.TrustedKeys))
            {
                errors.Add($"{label}: TrustedKeys folder '{Path.GetFullPath(source.TrustedKeys)}' does not exist.");
            }

            if (!string.IsNullOrWhiteSpace(source.CaBundle) && !File.Exists(source.CaBundle))
            {
                errors.Add($"{label}: CaBundle '{Path.GetFullPath(source.CaBundle)}' does not exist; give a PEM file of CA certificates.");
            }

            if (!string.IsNullOrWhiteSpace(source.Credentials.TokenEnv) && !string.IsNullOrWhiteSpace(source.Credentials.TokenFile))
            {
                errors.Add($"{label}: give Credentials:TokenEnv or Credentials:TokenFile, not both.");
            }
            else if (source.Credentials.GetSecret(SourceCredentialOptions.TokenSecret) is not null
                && (!string.IsNullOrWhiteSpace(source.Credentials.TokenEnv) || !string.IsNullOrWhiteSpace(source.Credentials.TokenFile)))
            {
                errors.Add($"{label}: a token is given in memory and Credentials:TokenEnv/TokenFile names another; give one of them.");
            }
            else if (Transport.SourceToken.CheckConfigured(source) is { } tokenProblem)
            {
                errors.Add(tokenProblem);
            }

            var setKeys = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < source.Sets.Count; j++)
            {
                var set = source.Sets[j];
                var path = PluginSet.NormalizePath(set.Path);
                if (path is null)
                {
                    errors.Add($"{label}: Sets[{j}]:Path '{set.Path}' must be a relative path inside the source, without '..'.");
                }
                else if (!setKeys.Add((path.Length == 0 ? "." : path) + "@" + set.Ref?.Trim()))
                {
                    errors.Add($"{label}: Sets[{j}] has the same Path and Ref as an earlier set; merge them.");
                }

                if (!string.IsNullOrWhiteSpace(set.Version) && !VersionRangeSpec.TryParse(set.Version, out _, out var rangeError))
                {
                    errors.Add($"{label}: Sets[{j}]:Version: {rangeError}.");
                }

                if (!string.IsNullOrWhiteSpace(set.Ref) && !string.Equals(source.Type, "git", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{label}: Sets[{j}]:Ref is only for git sources; pin versions with Sets[{j}]:Version.");
                }
            }
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SourceName();
}
