using System.Net;
using Microsoft.Extensions.Options;

namespace Plugboard.Hosting.Managed;

/// <summary>Checks <see cref="ManagedHostOptions"/> at start, naming the setting to fix.</summary>
public sealed class ManagedHostOptionsValidator : IValidateOptions<ManagedHostOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ManagedHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("Plugboard:Center:Url must be the center's absolute https:// address (e.g. https://plugboard.example.com).");
        }
        else if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url))
        {
            errors.Add($"Plugboard:Center:Url is {url}: plain http:// is accepted only on loopback, because the host token receives secret values; serve the center over https://.");
        }

        if (string.IsNullOrWhiteSpace(options.Token) && string.IsNullOrWhiteSpace(options.TokenFile))
        {
            errors.Add("Plugboard:Center: set Token or TokenFile to a host token of the center (plugboard tokens create NAME --role host --scope SCOPE).");
        }
        else if (string.IsNullOrWhiteSpace(options.Token) && !File.Exists(options.TokenFile))
        {
            errors.Add($"Plugboard:Center:TokenFile '{options.TokenFile}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(options.Scope))
        {
            errors.Add("Plugboard:Center:Scope is required: the scope whose installations this host runs (the same as its token's).");
        }

        if (!options.ResolvedName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') || options.ResolvedName.Length > 100)
        {
            errors.Add($"Plugboard:Center:Name '{options.ResolvedName}' may hold only letters, digits, '.', '-' and '_' (at most 100).");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.WatchWait < TimeSpan.Zero || options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            errors.Add("Plugboard:Center: HeartbeatInterval and InitialBackoff must be positive, WatchWait not negative, MaxBackoff at least InitialBackoff.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
