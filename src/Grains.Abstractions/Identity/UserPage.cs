namespace Tollgate.Grains.Identity;

/// <summary>One page of the user list and the total number of matches.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.UserPage")]
public sealed record UserPage(UserInfo[] Users, long Total);
