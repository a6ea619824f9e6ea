using Plugboard;

namespace Bench.Contracts;

/// <summary>The contract benchmark plugins implement: small enough that the call cost is the dispatch.</summary>
[PluginContract("bench.calculator", 1)]
public interface ICalculator
{
    int Add(int a, int b);

    ValueTask<int> AddAsync(int a, int b);
}
