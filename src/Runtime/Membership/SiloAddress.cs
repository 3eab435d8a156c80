using System.Globalization;
using System.Net;

namespace Tollgate.Runtime.Membership;

/// <summary>One silo process: where it listens, and its generation (start time) that tells restarts apart.</summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    public IPEndPoint Endpoint => new(IPAddress.Parse(Host), Port);

    /// <summary>True when <paramref name="other"/> listens at the same place, whatever its generation.</summary>
    public bool SameEndpoint(SiloAddress other) => Host == other.Host && Port == other.Port;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");

    public static SiloAddress Parse(string value)
    {
        var at = value.LastIndexOf('@');
        var colon = value.LastIndexOf(':', at);
        return new SiloAddress(value[..colon], int.Parse(value[(colon + 1)..at], CultureInfo.InvariantCulture),
            long.Parse(value[(at + 1)..], CultureInfo.InvariantCulture));
    }
}
