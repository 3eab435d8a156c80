using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime;

/// <summary>
/// One live instance of a grain: its mailbox, its turn, its lifecycle. Every status change and every turn
/// hand-over happens under the lock on <see cref="_queue"/>, so at most one non-reentrant turn runs at a time,
/// and no turn starts once deactivation has begun.
/// </summary>
internal sealed class ActivationData
{
    [ThreadStatic]
    private static ActivationData? _constructing;

    private static long _lastActivationId;

    private readonly GrainClass _grainClass;
    private readonly Queue<GrainRequest> _queue = new();
    private List<GrainRequest>? _parked;
    private List<IActivationState>? _states;
    private ActivationStatus _status = ActivationStatus.Activating;
    private bool _running;
    private bool _registered;
    private bool _activationStarted;
    private DeactivationReason? _deactivateAfterTurn;
    private object? _grain;

    public ActivationData(GrainRuntime runtime, GrainId grainId, GrainClass grainClass)
    {
        Runtime = runtime;
        GrainId = grainId;
        _grainClass = grainClass;
        LastActive = Environment.TickCount64;
    }

    /// <summary>The activation whose grain is being constructed on this thread; read by constructors.</summary>
    internal static ActivationData? Constructing => _constructing;

    public long ActivationId { get; } = Interlocked.Increment(ref _lastActivationId);

    public GrainId GrainId { get; }

    public GrainRuntime Runtime { get; }

    /// <summary><see cref="Environment.TickCount64"/> at the end of the last turn.</summary>
    public long LastActive { get; private set; }

    public bool IsInvalid => _status == ActivationStatus.Invalid;

    private object Grain => _grain ?? throw new InvalidOperationException($"{GrainId} has no grain instance.");

    internal void AddState(IActivationState state) => (_states ??= []).Add(state);

    internal void RequestDeactivationAfterTurn(DeactivationReason reason) => _deactivateAfterTurn ??= reason;

    /// <summary>Delivers a new call. Runs it on the caller's thread when the grain is free, else queues it.</summary>
    public Task<TResult> Submit<TResult>(GrainRequest<TResult> request)
    {
        var startActivation = false;
        lock (_queue)
        {
            if (request.Chain?.Contains(ActivationId) == true && _grain is not null)
            {
                // A call cycle back into a turn that is waiting for it: run inside that turn.
            }
            else if (_status == ActivationStatus.Valid && !_running)
            {
                _running = true;
            }
            else
            {
                _ = request.Enqueued();
                EnqueueLocked(request);
                startActivation = StartActivationLocked();
            }
        }

        if (startActivation)
        {
            StartActivation();
        }

        return request.HasCompletion ? request.Completion : RunNow(request);
    }

    /// <summary>Delivers a call that already waits on its own completion (moved from a dropped activation).</summary>
    public void Resubmit(GrainRequest request)
    {
        GrainRequest? start = null;
        bool startActivation;
        lock (_queue)
        {
            EnqueueLocked(request);
            if (_status == ActivationStatus.Valid && !_running && _queue.TryDequeue(out start))
            {
                _running = true;
            }

            startActivation = StartActivationLocked();
        }

        if (startActivation)
        {
            StartActivation();
        }

        StartPump(start);
    }

    // The first call is queued before activation starts, so a fast failing activation fails that call itself.
    private bool StartActivationLocked()
    {
        if (_activationStarted || _status != ActivationStatus.Activating)
        {
            return false;
        }

        _activationStarted = true;
        return true;
    }

    /// <summary>Reads the state and runs OnActivateAsync, off the caller's execution context.</summary>
    private void StartActivation() =>
        ThreadPool.UnsafeQueueUserWorkItem(static activation => _ = activation.ActivateAsync(), this, preferLocal: false);

    /// <summary>Starts deactivation if the activation is valid, free, and was idle since <paramref name="idleSince"/>.</summary>
    public bool TryDeactivate(DeactivationReason reason, long idleSince = long.MaxValue)
    {
        lock (_queue)
        {
            if (_status != ActivationStatus.Valid || _running || _queue.Count > 0 || LastActive > idleSince)
            {
                if (reason == DeactivationReason.ShuttingDown && _status == ActivationStatus.Valid)
                {
                    _deactivateAfterTurn = reason;
                }

                return false;
            }

            _status = ActivationStatus.Deactivating;
            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.activation.DeactivateAsync(s.reason), (activation: this, reason), preferLocal: false);
        return true;
    }

    private void EnqueueLocked(GrainRequest request)
    {
        switch (_status)
        {
            case ActivationStatus.Activating or ActivationStatus.Valid:
                _queue.Enqueue(request);
                break;
            case ActivationStatus.Deactivating:
                (_parked ??= []).Add(request);
                break;
            default:
                // Dropped and gone from the catalog: the runtime finds or creates the next activation.
                ThreadPool.UnsafeQueueUserWorkItem(static r => r.runtime.Reroute(r.request), (runtime: Runtime, request), preferLocal: false);
                break;
        }
    }

    private Task<TResult> RunNow<TResult>(GrainRequest<TResult> request)
    {
        var reentrant = request.Chain?.Contains(ActivationId) == true;
        var outer = CallChain.Current;
        CallChain.Current = new CallChain(ActivationId, request.Chain);
        Task<TResult> task;
        try
        {
            task = request.InvokeAsync(Grain);
        }
        catch (Exception exception)
        {
            task = Task.FromException<TResult>(exception);
        }
        finally
        {
            CallChain.Current = outer;
        }

        if (reentrant)
        {
            _ = ObserveReentrantAsync(task);
        }
        else if (task.IsCompleted)
        {
            StartPump(CompleteTurn(task.Exception));
        }
        else
        {
            _ = FinishTurnAsync(task);
        }

        return task;
    }

    private async Task ObserveReentrantAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception exception) when (IsFenced(exception))
        {
            // The outer turn is still running; it drops the activation when it ends.
            RequestDeactivationAfterTurn(DeactivationReason.InconsistentState);
        }
        catch (Exception)
        {
            // The caller observes it.
        }
    }

    private async Task FinishTurnAsync(Task task)
    {
        Exception? failure = null;
        try
        {
            await task;
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        StartPump(CompleteTurn(failure));
    }

    private void StartPump(GrainRequest? first)
    {
        if (first is not null)
        {
            // Queued calls run on the thread pool with a clean execution context, never on a caller's thread.
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.activation.PumpAsync(s.first), (activation: this, first), preferLocal: false);
        }
    }

    private async Task PumpAsync(GrainRequest? request)
    {
        while (request is not null)
        {
            CallChain.Current = new CallChain(ActivationId, request.Chain);
            Exception? failure = null;
            try
            {
                await request.RunQueuedAsync(Grain);
            }
            catch (Exception exception)
            {
                failure = exception;
            }

            request = CompleteTurn(failure);
        }
    }

    /// <summary>Ends the running turn: hands the turn to the next queued call, or drops the activation.</summary>
    private GrainRequest? CompleteTurn(Exception? failure)
    {
        LastActive = Environment.TickCount64;
        if (failure is not null && IsFenced(failure))
        {
            _deactivateAfterTurn = DeactivationReason.InconsistentState;
        }

        DeactivationReason? reason;
        lock (_queue)
        {
            reason = _deactivateAfterTurn;
            if (reason is null)
            {
                if (_queue.TryDequeue(out var next))
                {
                    return next;
                }

                _running = false;
                return null;
            }

            _status = ActivationStatus.Deactivating;
        }

        // The deactivation is this activation's last turn: _running stays set.
        ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.activation.DeactivateAsync(s.reason), (activation: this, reason: reason.Value), preferLocal: false);
        return null;
    }

    private async Task ActivateAsync()
    {
        CallChain.Current = new CallChain(ActivationId, null);
        try
        {
            using var timeout = new CancellationTokenSource(Runtime.Options.ActivationTimeout);
            if (Runtime.Router is { } router)
            {
                // Registered before anything is read or run: of two activations racing, only the winner does either.
                if (await router.RegisterAsync(GrainId, ActivationId, timeout.Token) is { } winner)
                {
                    Runtime.Catalog.Remove(this);
                    foreach (var request in TakePending(ActivationStatus.Invalid))
                    {
                        _ = request.ForwardQueuedAsync(router, winner);
                    }

                    return;
                }

                _registered = true;
            }

            _constructing = this;
            try
            {
                _grain = _grainClass.Create(Runtime.Services);
            }
            finally
            {
                _constructing = null;
            }

            if (_states is not null)
            {
                foreach (var state in _states)
                {
                    await state.ReadAsync(timeout.Token);
                }
            }

            if (_grain is Grain grain)
            {
                await grain.OnActivateAsync(timeout.Token).WaitAsync(timeout.Token);
            }
        }
        catch (Exception exception)
        {
            Runtime.Logger.LogWarning(exception, "Activating {GrainId} failed", GrainId);
            await UnregisterAsync();
            Runtime.Catalog.Remove(this);
            foreach (var request in TakePending(ActivationStatus.Invalid))
            {
                request.Fail(new GrainActivationException(GrainId, exception));
            }

            return;
        }

        GrainRequest? first = null;
        lock (_queue)
        {
            _status = ActivationStatus.Valid;
            if (!_running && _queue.TryDequeue(out first))
            {
                _running = true;
            }
        }

        StartPump(first);
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        CallChain.Current = new CallChain(ActivationId, null);
        if (_grain is Grain grain)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout);
                await grain.OnDeactivateAsync(reason, timeout.Token).WaitAsync(timeout.Token);
            }
            catch (Exception exception)
            {
                Runtime.Logger.LogWarning(exception, "OnDeactivateAsync of {GrainId} failed", GrainId);
            }
        }

        // Leave the directory and the catalog before releasing waiting calls, so they reach a new activation.
        await UnregisterAsync();
        Runtime.Catalog.Remove(this);
        foreach (var request in TakePending(ActivationStatus.Invalid))
        {
            Runtime.Reroute(request);
        }

        Runtime.Logger.LogDebug("Deactivated {GrainId} ({Reason})", GrainId, reason);
    }

    private async Task UnregisterAsync()
    {
        if (_registered && Runtime.Router is { } router)
        {
            _registered = false;
            try
            {
                await router.UnregisterAsync(GrainId, ActivationId);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or InvalidOperationException)
            {
                // A leftover entry is harmless: it names this silo, which answers or is purged once dead.
                Runtime.Logger.LogWarning(exception, "Unregistering {GrainId} failed", GrainId);
            }
        }
    }

    private List<GrainRequest> TakePending(ActivationStatus status)
    {
        lock (_queue)
        {
            _status = status;
            var pending = new List<GrainRequest>(_queue);
            _queue.Clear();
            if (_parked is not null)
            {
                pending.AddRange(_parked);
                _parked = null;
            }

            return pending;
        }
    }

    private static bool IsFenced(Exception exception) => exception switch
    {
        InconsistentStateException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsFenced),
        _ => false,
    };
}
