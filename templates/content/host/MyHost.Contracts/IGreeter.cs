using Plugboard;

namespace MyHost.Contracts;

/// <summary>The contract plugins of MyHost implement: here, greeting someone.</summary>
[PluginContract("greeting.greeter", 1)]
public interface IGreeter
{
    /// <summary>A greeting for <paramref name="name"/>.</summary>
    string Greet(string name);
}
