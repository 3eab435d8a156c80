using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Postgres;

/// <summary>One versioned schema change of one module.</summary>
public sealed record Migration(string Module, int Version, string Name, string Sql)
{
    /// <summary>Hex SHA-256 of the SQL: an applied migration that was edited afterwards is refused.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}
