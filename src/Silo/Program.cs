using Microsoft.Extensions.Hosting;
using Tollgate.Grains;
using Tollgate.Runtime.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSilo().AddTollgateGrains();
return await builder.Build().RunUntilStartupFailsAsync();
