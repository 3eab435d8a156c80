namespace Tollgate.Grains.Access;

/// <summary>
/// A permission statement (every resource and its actions) and the roles that hold parts of it. A caller with
/// several roles gets the union of their grants (better-auth checks each role alone, issue #3011). Unknown roles
/// grant nothing.
/// </summary>
public sealed class AccessStatement
{
    private readonly Dictionary<string, HashSet<Permission>> _grants;

    public AccessStatement(
        IReadOnlyDictionary<string, string[]> statement,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> roles)
    {
        Statement = statement;
        Roles = roles;
        _grants = roles.ToDictionary(
            role => role.Key,
            role => role.Value.SelectMany(resource => resource.Value.Select(action => Checked(new Permission(resource.Key, action)))).ToHashSet());
    }

    /// <summary>Every resource and its actions.</summary>
    public IReadOnlyDictionary<string, string[]> Statement { get; }

    /// <summary>Each role's grants, as <c>resource → actions</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> Roles { get; }

    public bool IsRole(string role) => _grants.ContainsKey(role);

    public bool Contains(Permission permission) =>
        Statement.TryGetValue(permission.Resource, out var actions) && actions.Contains(permission.Action);

    /// <summary>Whether the union of <paramref name="roles"/>' grants holds every one of <paramref name="required"/>.</summary>
    public bool Allows(IEnumerable<string> roles, IEnumerable<Permission> required)
    {
        var held = roles.Where(_grants.ContainsKey).Select(role => _grants[role]).ToList();
        return required.All(permission => held.Exists(grants => grants.Contains(permission)));
    }

    /// <summary>The permissions of <paramref name="required"/> that <paramref name="roles"/> do not hold.</summary>
    public IReadOnlyList<Permission> Missing(IEnumerable<string> roles, IEnumerable<Permission> required)
    {
        var held = roles.Where(_grants.ContainsKey).Select(role => _grants[role]).ToList();
        return required.Where(permission => !held.Exists(grants => grants.Contains(permission))).ToList();
    }

    private Permission Checked(Permission permission) => Contains(permission)
        ? permission
        : throw new InvalidOperationException($"A role grants {permission}, which is not in the statement.");
}
