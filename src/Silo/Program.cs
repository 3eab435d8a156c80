using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Tollgate.Grains;
using Tollgate.Runtime.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
var endpoint = builder.Configuration.GetSection(SiloEndpointOptions.Section).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
builder.WebHost.UseSiloEndpoint(new IPEndPoint(IPAddress.Parse(endpoint.Address), endpoint.Port));
builder.Services.AddSilo().AddClusterMembership().AddTollgateGrains().AddConfiguredSiloModules(builder.Configuration);
return await builder.Build().RunUntilStartupFailsAsync();
