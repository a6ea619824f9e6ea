namespace Plugboard.Hosting.Rpc.Supervision;

/// <summary>
/// How long to wait before restarting a crashed plugin: <see cref="RpcPluginOptions.RestartDelay"/> doubled with each
/// crash in a row, capped at <see cref="RpcPluginOptions.MaxRestartDelay"/>, then spread by ±<see cref="RpcPluginOptions.RestartJitter"/>
/// so plugins that crashed together (a shared dependency went down) do not all come back in the same instant.
/// </summary>
public sealed class RestartBackoff
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _max;
    private readonly double _jitter;
    private readonly Random _random;

    /// <summary>Creates the backoff of <paramref name="options"/>.</summary>
    /// <param name="options">The plugin's options.</param>
    /// <param name="random">The source of jitter; a shared one by default.</param>
    public RestartBackoff(RpcPluginOptions options, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _first = options.RestartDelay < TimeSpan.Zero ? TimeSpan.Zero : options.RestartDelay;
        _max = options.MaxRestartDelay < _first ? _first : options.MaxRestartDelay;
        _jitter = Math.Clamp(options.RestartJitter, 0, 1);
        _random = random ?? Random.Shared;
    }

    /// <summary>The wait before restart number <paramref name="attempt"/> of a run of crashes (1 for the first).</summary>
    public TimeSpan Delay(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var ticks = Math.Min(_first.Ticks * factor, _max.Ticks);
        var spread = 1 + (_jitter * ((_random.NextDouble() * 2) - 1));
        return TimeSpan.FromTicks((long)Math.Min(ticks * spread, _max.Ticks));
    }
}
