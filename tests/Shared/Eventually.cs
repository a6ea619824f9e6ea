namespace Plugboard.Tests.Shared;

/// <summary>
/// Waits, within a generous bound, for something done in the background (a hot reload, a restart) to be
/// visible. The bound only keeps a broken test from hanging; no test asserts how long it took.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after the bound with <paramref name="describe"/>'s account of the state.</summary>
    public static async Task HoldsAsync(Func<bool> condition, Func<string>? describe = null, TimeSpan? bound = null)
    {
        var limit = bound ?? Bound;
        using var deadline = new CancellationTokenSource(limit);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Still not so after {limit.TotalSeconds:0} s" + (describe is null ? "." : $": {describe()}"));
            }
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds; fails after the bound.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string>? describe = null, TimeSpan? bound = null)
    {
        var limit = bound ?? Bound;
        using var deadline = new CancellationTokenSource(limit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Still not so after {limit.TotalSeconds:0} s" + (describe is null ? "." : $": {describe()}"));
            }
        }
    }
}
