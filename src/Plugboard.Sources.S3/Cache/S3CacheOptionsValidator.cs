using Microsoft.Extensions.Options;

namespace Plugboard.Sources.S3.Cache;

/// <summary>Checks <see cref="S3CacheOptions"/> at start-up and lists every problem at once.</summary>
public sealed class S3CacheOptionsValidator : IValidateOptions<S3CacheOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, S3CacheOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
