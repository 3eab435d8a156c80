using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Diagnostics;

namespace Tollgate.Runtime;

/// <summary>
/// The silo's grain runtime: hands out references, routes each call to its activation (creating it on first
/// use), applies the call timeout, collects idle activations and deactivates everything on shutdown.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IGrainCallInvoker
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _collector;

    internal GrainRuntime(IServiceProvider services, GrainClassRegistry grainClasses, IOptions<GrainRuntimeOptions> options, ILogger<GrainRuntime> logger)
    {
        Services = services;
        GrainClasses = grainClasses;
        Options = options.Value;
        Logger = logger;
    }

    /// <summary>True between <see cref="Start"/> and the beginning of <see cref="StopAsync"/>.</summary>
    public bool IsStarted => _collector is not null && !_stopping.IsCancellationRequested;

    /// <summary>How many activations this silo holds.</summary>
    public int ActivationCount => Catalog.Count;

    internal GrainRuntimeOptions Options { get; }

    internal IServiceProvider Services { get; }

    internal GrainClassRegistry GrainClasses { get; }

    internal ILogger Logger { get; }

    internal Catalog Catalog { get; } = new();

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => GrainInterfaceRegistry.CreateReference<TGrain>(key, this);

    /// <summary>True when <paramref name="grainId"/> has an activation in this silo.</summary>
    public bool IsActive(GrainId grainId) => Catalog.TryGet(grainId, out _);

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest<TResult> request) => InvokeAsync(target.GrainId, request);

    /// <summary>In cluster mode, sends calls for grains not active here to the silo that holds them.</summary>
    internal GrainDirectory.ClusterRouter? Router { get; set; }

    /// <summary>Runs <paramref name="request"/> here when the activation is here, else routes it.</summary>
    internal Task<TResult> InvokeAsync<TResult>(GrainId target, GrainRequest<TResult> request) =>
        Router is { } router && !Catalog.TryGet(target, out _) && !_stopping.IsCancellationRequested
            ? router.RouteAsync(target, request)
            : InvokeLocalAsync(target, request);

    /// <summary>Runs <paramref name="request"/> on this silo's activation of <paramref name="target"/>.</summary>
    internal Task<TResult> InvokeLocalAsync<TResult>(GrainId target, GrainRequest<TResult> request)
    {
        if (_stopping.IsCancellationRequested)
        {
            return Task.FromException<TResult>(new GrainShutdownException(target));
        }

        request.Target = target;
        request.Chain = CallChain.Current;
        var telemetry = GrainCallTelemetry.Start(request);
        Task<TResult> task;
        try
        {
            task = Catalog.GetOrCreate(this, target).Submit(request);
        }
        catch (Exception exception)
        {
            task = Task.FromException<TResult>(exception);
        }

        return task.IsCompleted ? telemetry.Completed(request, task) : WithTimeoutAsync(task, request, telemetry.Detach());
    }

    /// <summary>Starts idle collection.</summary>
    public void Start() => _collector ??= CollectIdleAsync(_stopping.Token);

    /// <summary>Refuses new calls, lets running turns finish, and deactivates every activation (bounded).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_collector is not null)
        {
            await _collector.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Options.DeactivationTimeout);
        while (Catalog.Count > 0 && !bound.IsCancellationRequested)
        {
            foreach (var activation in Catalog.Activations)
            {
                activation.TryDeactivate(DeactivationReason.ShuttingDown);
            }

            await Task.Delay(10, CancellationToken.None);
        }

        if (Catalog.Count > 0)
        {
            Logger.LogWarning("{Count} activations were still busy when shutdown's bound of {Bound} ran out", Catalog.Count, Options.DeactivationTimeout);
        }
    }

    /// <summary>Sends a call that waited on a dropped activation to the grain's next activation.</summary>
    internal void Reroute(GrainRequest request)
    {
        if (_stopping.IsCancellationRequested)
        {
            request.Fail(new GrainShutdownException(request.Target));
            return;
        }

        try
        {
            Catalog.GetOrCreate(this, request.Target).Resubmit(request);
        }
        catch (Exception exception)
        {
            request.Fail(exception);
        }
    }

    private async Task<TResult> WithTimeoutAsync<TResult>(Task<TResult> task, GrainRequest request, GrainCallTelemetry telemetry)
    {
        var succeeded = false;
        try
        {
            var result = await task.WaitAsync(Options.ResponseTimeout);
            succeeded = true;
            return result;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new GrainCallTimeoutException(request.Target, request.MethodName, Options.ResponseTimeout);
        }
        finally
        {
            telemetry.Stop(request, succeeded);
        }
    }

    private async Task CollectIdleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.CollectionQuantum);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var idleSince = Environment.TickCount64 - (long)Options.CollectionAge.TotalMilliseconds;
                foreach (var activation in Catalog.Activations)
                {
                    activation.TryDeactivate(DeactivationReason.IdleCollection, idleSince);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
