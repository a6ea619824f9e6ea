using System.Globalization;
using System.Text.Json;

namespace Plugboard.Bench;

/// <summary>One measured figure, printed as one JSON line.</summary>
internal static class Figure
{
    public static void Print(string scenario, string metric, double value, string unit)
    {
        var line = JsonSerializer.Serialize(new { scenario, metric, value = Math.Round(value, 4), unit });
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    public static double Percentile(List<double> samples, double p)
    {
        samples.Sort();
        var index = (int)Math.Ceiling(p / 100.0 * samples.Count) - 1;
        return samples[Math.Clamp(index, 0, samples.Count - 1)];
    }

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
