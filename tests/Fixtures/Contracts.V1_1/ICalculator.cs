using Plugboard;

namespace Fixture.Contracts;

/// <summary>A second contract, which a faulty fixture implements instead of the one it declares.</summary>
[PluginContract("fixture.calculator", 1)]
public interface ICalculator
{
    int Add(int a, int b);
}
