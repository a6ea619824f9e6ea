using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Xml;

namespace Plugboard.Manifests.Schema;

/// <summary>The <c>format</c> values a config schema may use, and their checks.</summary>
internal static partial class StringFormats
{
    private static readonly Dictionary<string, (string Description, Func<string, bool> IsValid)> Formats = new(StringComparer.Ordinal)
    {
        ["email"] = ("an email address such as ops@example.com", IsEmail),
        ["uri"] = ("an absolute URI such as https://example.com/path", IsUri),
        ["hostname"] = ("a host name such as db.example.com", IsHostName),
        ["ipv4"] = ("an IPv4 address such as 10.0.0.1", IsIPv4),
        ["ipv6"] = ("an IPv6 address such as ::1", IsIPv6),
        ["date-time"] = ("an RFC 3339 date-time such as 2024-05-01T12:00:00Z", IsDateTime),
        ["date"] = ("a date such as 2024-05-01", IsDate),
        ["duration"] = ("a duration such as PT30S, P1DT2H or 00:00:30", IsDuration),
        ["uuid"] = ("a UUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301", IsUuid),
    };

    /// <summary>Every known format name.</summary>
    public static IReadOnlyCollection<string> Names => Formats.Keys;

    public static bool IsKnown(string format) => Formats.ContainsKey(format);

    /// <summary>What a valid value looks like, for messages.</summary>
    public static string Describe(string format) => Formats[format].Description;

    public static bool IsValid(string format, string value) => Formats[format].IsValid(value);

    private static bool IsEmail(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && at < value.Length - 1
            && !value.Any(char.IsWhiteSpace)
            && value.IndexOf('@', StringComparison.Ordinal) == at
            && IsHostName(value[(at + 1)..]);
    }

    private static bool IsUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && !value.Any(char.IsWhiteSpace) && uri.Scheme.Length > 0;

    private static bool IsHostName(string value) => value.Length <= 253 && HostName().IsMatch(value);

    private static bool IsIPv4(string value) =>
        IPv4().IsMatch(value) && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetwork;

    private static bool IsIPv6(string value) =>
        value.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsDateTime(string value) =>
        DateTimeOffset.TryParseExact(
            value.Replace('t', 'T').Replace('z', 'Z'),
            ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out _)
        && (value.EndsWith('Z') || value.EndsWith('z') || OffsetSuffix().IsMatch(value));

    private static bool IsDate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    // ISO 8601 as JSON Schema wants, and .NET's "c" form so the value binds to a TimeSpan as written.
    private static bool IsDuration(string value)
    {
        if (value.StartsWith('P'))
        {
            try
            {
                XmlConvert.ToTimeSpan(value);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return TimeSpan.TryParseExact(value, "c", CultureInfo.InvariantCulture, out _);
    }

    private static bool IsUuid(string value) => Guid.TryParseExact(value, "D", out _);

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")]
    private static partial Regex IPv4();

    [GeneratedRegex(@"[+-]\d\d:\d\d$")]
    private static partial Regex OffsetSuffix();
}
