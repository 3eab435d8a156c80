using Npgsql;

namespace Tollgate.Runtime.Membership;

/// <summary>A silo address as the three positional parameters (host, port, generation) the cluster tables key on.</summary>
internal static class SiloAddressParameters
{
    public static void AddSilo(this NpgsqlParameterCollection parameters, SiloAddress silo)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = silo.Host });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = silo.Port });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = silo.Generation });
    }
}
