namespace Plugboard.Integration.Tests.Fixtures;

/// <summary>Waits, within a generous bound, for something the host does in the background (a hot reload) to be visible.</summary>
public static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after the bound with <paramref name="describe"/>'s account of the state.</summary>
    public static async Task HoldsAsync(Func<bool> condition, Func<string> describe)
    {
        using var deadline = new CancellationTokenSource(Bound);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Still not so after {Bound.TotalSeconds:0} s: {describe()}");
            }
        }
    }
}
