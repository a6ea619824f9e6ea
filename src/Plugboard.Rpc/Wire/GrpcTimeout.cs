using System.Globalization;

namespace Plugboard.Rpc.Wire;

/// <summary>
/// The <c>grpc-timeout</c> header: at most 8 ASCII digits and a unit
/// (H hours, M minutes, S seconds, m milliseconds, u microseconds, n nanoseconds).
/// </summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    private static readonly (char Unit, long Ticks)[] Units =
    [
        // Smallest unit first: the first unit in which the timeout fits in 8 digits is the most precise.
        ('n', 0), // handled apart: a tick is 100 ns
        ('u', 10),
        ('m', TimeSpan.TicksPerMillisecond),
        ('S', TimeSpan.TicksPerSecond),
        ('M', TimeSpan.TicksPerMinute),
        ('H', TimeSpan.TicksPerHour),
    ];

    /// <summary>Formats a timeout, rounding up so the server never ends a call earlier than the client would.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(timeout.Ticks, 1);
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        foreach (var (unit, unitTicks) in Units)
        {
            if (unitTicks == 0)
            {
                continue;
            }

            var value = (ticks + unitTicks - 1) / unitTicks;
            if (value <= MaxValue)
            {
                return value.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    /// <summary>Parses a header value; false when it is not a valid timeout.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        timeout = value[^1] switch
        {
            'H' => Clamp(amount, TimeSpan.TicksPerHour),
            'M' => Clamp(amount, TimeSpan.TicksPerMinute),
            'S' => Clamp(amount, TimeSpan.TicksPerSecond),
            'm' => Clamp(amount, TimeSpan.TicksPerMillisecond),
            'u' => TimeSpan.FromTicks(amount * 10),
            'n' => TimeSpan.FromTicks(amount / 100),
            _ => TimeSpan.MinValue,
        };
        return timeout != TimeSpan.MinValue;
    }

    // 99999999 hours overflows DateTime arithmetic; treat anything past TimeSpan.MaxValue / 2 as "no deadline".
    private static TimeSpan Clamp(long amount, long unitTicks) =>
        amount > TimeSpan.MaxValue.Ticks / 2 / unitTicks ? TimeSpan.MaxValue / 2 : TimeSpan.FromTicks(amount * unitTicks);
}
