namespace Tollgate.Runtime;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>, bound to the activation being constructed.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IActivationState where TState : class
{
    private readonly IGrainStorage _storage;
    private readonly StateTable<TState> _table;
    private readonly string _key;

    public PersistentState(IGrainStorage storage, StateTableRegistry tables)
    {
        var activation = ActivationData.Constructing
            ?? throw new InvalidOperationException($"{nameof(IPersistentState<>)} can only be injected into a grain.");
        _storage = storage;
        _table = tables.Get<TState>();
        _key = activation.GrainId.Key;
        State = _table.CreateInitial();
        activation.AddState(this);
    }

    public TState State { get; set; }

    public long Version { get; private set; }

    public async Task ReadAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _storage.ReadAsync<TState>(_key, cancellationToken);
        (State, Version) = stored is null ? (_table.CreateInitial(), 0L) : (stored.State, stored.Version);
    }

    public async Task WriteAsync(CancellationToken cancellationToken = default) =>
        Version = await _storage.WriteAsync(_key, State, Version, cancellationToken);

    public async Task WriteAsync(IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken = default) =>
        Version = await _storage.WriteAsync(_key, State, Version, companions, cancellationToken);

    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        await _storage.ClearAsync<TState>(_key, Version, cancellationToken);
        (State, Version) = (_table.CreateInitial(), 0L);
    }
}
