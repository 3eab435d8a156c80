using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Tollgate.Runtime.Transport;

namespace Tollgate.Runtime.Hosting;

/// <summary>Serves grain calls over the silo protocol on a Kestrel endpoint of its own.</summary>
public static class SiloEndpointExtensions
{
    public static IWebHostBuilder UseSiloEndpoint(this IWebHostBuilder builder, IPEndPoint endpoint) =>
        builder.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen => listen.UseConnectionHandler<SiloConnectionHandler>()));
}
