namespace Tollgate.Grains.Identity;

/// <summary>One page of the user list and the total number of matches.</summary>
public sealed record UserPage(UserInfo[] Users, long Total);
