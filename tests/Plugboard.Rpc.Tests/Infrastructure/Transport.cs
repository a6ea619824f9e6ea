namespace Plugboard.Rpc.Tests.Infrastructure;

public enum Transport
{
    Tcp,
    Unix,
}
