using Microsoft.Extensions.Options;

namespace Plugboard.Hosting;

/// <summary>Checks <see cref="PlugboardOptions"/> at start-up (<c>ValidateOnStart</c>) and lists every problem at once.</summary>
public sealed class PlugboardOptionsValidator : IValidateOptions<PlugboardOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PlugboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.IdPrefix))
        {
            errors.Add("Plugboard:IdPrefix must not be empty: it keeps third-party plugins from shadowing built-in ones (default 'custom-').");
        }

        Positive(options.InitTimeout, nameof(PlugboardOptions.InitTimeout));
        Positive(options.VerifyTimeout, nameof(PlugboardOptions.VerifyTimeout));
        Positive(options.DrainTimeout, nameof(PlugboardOptions.DrainTimeout));
        NotNegative(options.UnloadTimeout, nameof(PlugboardOptions.UnloadTimeout));
        NotNegative(options.ReloadDebounce, nameof(PlugboardOptions.ReloadDebounce));
        NotNegative(options.RescanInterval, nameof(PlugboardOptions.RescanInterval), "; 00:00:00 turns the rescan off");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                errors.Add($"Plugboard:{key} is {value}; it must be longer than zero (e.g. 00:00:30).");
            }
        }

        void NotNegative(TimeSpan value, string key, string? note = null)
        {
            if (value < TimeSpan.Zero)
            {
                errors.Add($"Plugboard:{key} is {value}; it must not be negative{note}.");
            }
        }
    }
}
