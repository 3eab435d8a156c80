namespace Tollgate.LoadTest.Http;

/// <summary>The cluster cannot be load tested as asked (unreachable, misconfigured, refusing the seed data): one line, exit code 2.</summary>
public sealed class SetupException(string message) : Exception(message);
