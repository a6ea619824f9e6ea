using Microsoft.Extensions.Time.Testing;

namespace Plugboard.Hosting.Tests;

/// <summary>Moving a fake clock from inside an <see cref="Eventually"/> condition.</summary>
internal static class FakeTimeProviderExtensions
{
    /// <summary>Advances <paramref name="time"/> by <paramref name="by"/> and returns true, so a polled condition can move the clock on each try: <c>time.Advanced(d) &amp;&amp; …</c>.</summary>
    public static bool Advanced(this FakeTimeProvider time, TimeSpan by)
    {
        time.Advance(by);
        return true;
    }
}
