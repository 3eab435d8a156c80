using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.Organizations;

/// <summary>Reads <c>organizations</c> and <c>members</c>; every change is committed before it is acknowledged.</summary>
public sealed class OrganizationDirectoryGrain(PostgresDatabase database) : Grain, IOrganizationDirectoryGrain
{
    public async Task<OrganizationInfo[]> ListForUserAsync(string userId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT o.id, o.name, o.slug, o.created_at FROM organizations o JOIN members m ON m.organization_id = o.id " +
            "WHERE m.user_id = $1 ORDER BY o.created_at, o.id");
        command.Parameters.Add(new() { Value = userId });
        await using var reader = await command.ExecuteReaderAsync();
        var organizations = new List<OrganizationInfo>();
        while (await reader.ReadAsync())
        {
            organizations.Add(new OrganizationInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return [.. organizations];
    }

    public async Task<MemberDetails[]> MembersAsync(string organizationId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT m.user_id, m.role, m.created_at, u.name, u.email FROM members m JOIN users u ON u.id = m.user_id " +
            "WHERE m.organization_id = $1 ORDER BY m.created_at, m.user_id");
        command.Parameters.Add(new() { Value = organizationId });
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<MemberDetails>();
        while (await reader.ReadAsync())
        {
            members.Add(new MemberDetails(
                new MemberInfo(organizationId, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)),
                reader.GetString(3), reader.GetString(4)));
        }

        return [.. members];
    }
}
