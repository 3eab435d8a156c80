using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

/// <summary>The owner of one email address: the row of <c>user_emails</c>.</summary>
public sealed record EmailState(string UserId)
{
    public static readonly StateTable<EmailState> Table =
        new StateTable<EmailState>("user_emails", () => new EmailState(""), row => new EmailState(row.Get<string>("user_id")))
            .WithKey("email")
            .Column("user_id", s => s.UserId);
}
