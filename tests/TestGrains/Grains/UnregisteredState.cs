namespace Tollgate.Runtime.Tests.Grains;

public sealed record UnregisteredState(int Value);
