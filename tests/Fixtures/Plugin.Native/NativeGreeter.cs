using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Fixture.Contracts;
using Plugboard;

namespace Fixture.Plugin.Native;

/// <summary>Answers with the version of the native SQLite library it P/Invokes.</summary>
[Plugin("custom-native")]
public sealed partial class NativeGreeter : IGreeter
{
    [LibraryImport("e_sqlite3")]
    private static partial IntPtr sqlite3_libversion();

    public string Greet(string name) => $"{name} from sqlite {Marshal.PtrToStringUTF8(sqlite3_libversion())}";

    public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Greet(name));

    public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => new(0);

    public async IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in names)
        {
            await Task.Yield();
            yield return Greet(name);
        }
    }
}
