using UserSync.Rpc;

namespace Plugboard.Rpc.Tests.Infrastructure;

/// <summary>Methods of a test-only service whose messages are usersync Users (a string field makes any size).</summary>
public static class EchoMethods
{
    public const string ServiceName = "plugboard.test.Echo";

    public static Method<User, User> Echo { get; } = new(MethodType.Unary, ServiceName, "Echo", User.Parser, User.Parser);

    public static Method<User, User> Expand { get; } = new(MethodType.ServerStreaming, ServiceName, "Expand", User.Parser, User.Parser);

    public static Method<User, User> Collect { get; } = new(MethodType.ClientStreaming, ServiceName, "Collect", User.Parser, User.Parser);

    public static Method<User, User> Chat { get; } = new(MethodType.DuplexStreaming, ServiceName, "Chat", User.Parser, User.Parser);

    /// <summary>A method of the same service that no server registers.</summary>
    public static Method<User, User> Missing { get; } = new(MethodType.Unary, ServiceName, "Missing", User.Parser, User.Parser);

    public static User UserNamed(string name) => new() { Id = name, UserName = name, DisplayName = name };
}
