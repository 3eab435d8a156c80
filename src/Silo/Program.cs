using Microsoft.Extensions.Hosting;
using Tollgate.Grains;
using Tollgate.Runtime.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSilo().AddTollgateGrains();
await builder.Build().RunAsync();
