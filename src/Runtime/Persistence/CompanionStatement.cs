namespace Tollgate.Runtime;

/// <summary>
/// A statement that commits in the same transaction as a state write, or not at all: an audit row, an
/// idempotency record, a processed-event mark. Parameters are positional (<c>$1</c>, <c>$2</c>…); a null is SQL NULL.
/// </summary>
public sealed record CompanionStatement(string Sql, params object?[] Parameters);
