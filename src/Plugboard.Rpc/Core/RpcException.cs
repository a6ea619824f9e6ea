namespace Plugboard.Rpc;

/// <summary>
/// A call ended with a status other than <see cref="StatusCode.OK"/>. Thrown by clients when the server
/// answered an error (or the call failed locally), and thrown by server handlers to answer an error.
/// </summary>
public class RpcException : Exception
{
    /// <summary>Creates an exception for a status, with no trailers.</summary>
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    /// <summary>Creates an exception for a status code and detail, with no trailers.</summary>
    public RpcException(StatusCode statusCode, string detail)
        : this(new Status(statusCode, detail))
    {
    }

    /// <summary>Creates an exception for a status and the trailers that came (or will go) with it.</summary>
    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, null)
    {
    }

    /// <summary>Creates an exception for a status and trailers, keeping the local cause.</summary>
    public RpcException(Status status, Metadata trailers, Exception? innerException)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = trailers;
    }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>
    /// The trailing metadata: on a client, what the server sent; on a server, what the handler wants sent.
    /// </summary>
    public Metadata Trailers { get; }
}
