namespace Tollgate.Runtime.Membership;

/// <summary>A silo's place in the cluster. Dead is terminal: a dead generation never comes back.</summary>
public enum SiloStatus : short
{
    Joining = 1,
    Active = 2,
    ShuttingDown = 3,
    Dead = 4,
}
