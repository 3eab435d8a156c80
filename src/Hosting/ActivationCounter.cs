using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Orleans;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Tollgate.Hosting;

/// <summary>
/// Counts this silo's activations by grain interface (the interface a grain class implements, as callers name it),
/// for the <c>tollgate_grain_activations</c> gauge: each new activation is counted when it activates and uncounted
/// when it goes.
/// </summary>
public sealed class ActivationCounter : IConfigureGrainContextProvider, IConfigureGrainContext
{
    private static readonly ConcurrentDictionary<Type, string> InterfaceNames = new();

    public static ConcurrentDictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>This process's activations of grains that implement <paramref name="grainInterface"/>.</summary>
    public static long Of(Type grainInterface) => Counts.TryGetValue(grainInterface.FullName!, out var count) ? count : 0;

    /// <summary>
    /// Every grain but stateless workers: their context has no lifecycle to join (it throws), so configuring one would
    /// make the grain impossible to activate — Orleans' own <c>IManagementGrain</c> among them (the dashboard found it).
    /// </summary>
    public bool TryGetConfigurator(GrainType grainType, GrainProperties properties, [NotNullWhen(true)] out IConfigureGrainContext? configurator)
    {
        var statelessWorker = properties.Properties.TryGetValue(WellKnownGrainTypeProperties.PlacementStrategy, out var placement)
            && string.Equals(placement, "StatelessWorkerPlacement", StringComparison.Ordinal);
        configurator = statelessWorker ? null : this;
        return !statelessWorker;
    }

    public void Configure(IGrainContext context) =>
        context.ObservableLifecycle.Subscribe(nameof(ActivationCounter), GrainLifecycleStage.Activate, new Participant(context));

    private static string InterfaceOf(Type grainClass) => InterfaceNames.GetOrAdd(grainClass, static type =>
        type.GetInterfaces().FirstOrDefault(i => i.Namespace?.StartsWith("Tollgate", StringComparison.Ordinal) == true && typeof(IAddressable).IsAssignableFrom(i))?.FullName
        ?? type.FullName ?? type.Name);

    private sealed class Participant(IGrainContext context) : ILifecycleObserver
    {
        private string? _counted;

        public Task OnStart(CancellationToken cancellationToken = default)
        {
            if (context.GrainInstance is { } grain)
            {
                _counted = InterfaceOf(grain.GetType());
                Counts.AddOrUpdate(_counted, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }

        public Task OnStop(CancellationToken cancellationToken = default)
        {
            if (_counted is { } name)
            {
                _counted = null;
                Counts.AddOrUpdate(name, 0, (_, n) => n - 1);
            }

            return Task.CompletedTask;
        }
    }
}
