namespace Tollgate.Runtime;

/// <summary>
/// Marker for grain interfaces addressed by a string key. Every interface extending it gets a generated proxy;
/// its methods must return <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or
/// <see cref="ValueTask{TResult}"/>, and its arguments and results should be immutable records.
/// </summary>
public interface IGrainWithStringKey : IGrain;
