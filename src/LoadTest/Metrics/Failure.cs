namespace Tollgate.LoadTest.Metrics;

/// <summary>How a request ended without an HTTP answer.</summary>
public enum Failure
{
    /// <summary>An HTTP answer came (any status).</summary>
    None,

    /// <summary>No answer within <c>--timeout</c>.</summary>
    Timeout,

    /// <summary>The target refused the connection (nothing listening).</summary>
    Refused,

    /// <summary>The connection broke (reset, closed mid-answer, other I/O errors).</summary>
    Connection,
}
