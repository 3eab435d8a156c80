namespace Tollgate.LoadTest.Options;

/// <summary>A bad command line: reported as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
