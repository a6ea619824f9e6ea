namespace Plugboard.Manifests.Schema;

/// <summary>Thrown when configuration cannot be bound to a config class.</summary>
public sealed class ConfigBindingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigBindingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a value at <paramref name="path"/> that does not fit <paramref name="configType"/>.</summary>
    public ConfigBindingException(string message, string path, Type configType, Exception? innerException)
        : base(message, innerException)
    {
        Path = path;
        ConfigType = configType;
    }

    /// <summary>The JSON path of the value that did not fit, when known.</summary>
    public string? Path { get; }

    /// <summary>The config class, when known.</summary>
    public Type? ConfigType { get; }
}
