using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// Drives a paced run: slot <c>k</c> is due <c>k / rate</c> seconds after the start. A dedicated thread wakes every
/// ~<see cref="Tick"/> (a sub-millisecond <c>usleep</c>: Task.Delay and Thread.Sleep only know whole milliseconds,
/// and timers due in the same millisecond fire together, which would release every caller in one burst) and hands
/// each slot that came due to a free caller, starting the call on its own thread (no thread-pool hop per slot, so
/// pacing costs little CPU). When all callers are busy the slot waits in a backlog, taken by the next caller to
/// finish; its latency is still counted from the slot's due time (no coordinated omission).
/// </summary>
internal sealed class Pacer
{
    private static readonly TimeSpan Tick = TimeSpan.FromMicroseconds(100);
    private readonly ConcurrentStack<CallerState> _free;
    private readonly ConcurrentQueue<long> _backlog = new();
    private readonly Func<int, int, Task> _call;
    private readonly RunPhase _phase;
    private readonly Thread _thread;
    private readonly double _ticksPerSlot;
    private readonly long _origin;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _busy = 1;
    private volatile bool _stopping;

    public Pacer(double callsPerSecond, long origin, IEnumerable<CallerState> callers, Func<int, int, Task> call, RunPhase phase)
    {
        _ticksPerSlot = Stopwatch.Frequency / callsPerSecond;
        _origin = origin;
        _free = new ConcurrentStack<CallerState>(callers.Reverse());
        _call = call;
        _phase = phase;
        _thread = new Thread(Run) { IsBackground = true, Name = "pacer" };
        _thread.Start();
    }

    /// <summary>Stops issuing slots and waits for the calls in flight.</summary>
    public Task StopAsync()
    {
        _stopping = true;
        _thread.Join();
        Release();
        return _idle.Task;
    }

    private void Run()
    {
        long issued = 0;
        while (!_stopping)
        {
            var due = (long)((Stopwatch.GetTimestamp() - _origin) / _ticksPerSlot) + 1;
            for (; issued < due; issued++)
            {
                var slot = _origin + (long)(issued * _ticksPerSlot);
                if (_free.TryPop(out var caller))
                {
                    Interlocked.Increment(ref _busy);
                    _ = RunCallerAsync(caller, slot);
                }
                else
                {
                    _backlog.Enqueue(slot);
                }
            }

            Sleep();
        }
    }

    /// <summary>Makes the call of <paramref name="slot"/>, then those waiting in the backlog, then frees the caller.</summary>
    private async Task RunCallerAsync(CallerState caller, long slot)
    {
        try
        {
            while (true)
            {
                await caller.CallAsync(_call, _phase, slot);
                if (_stopping || !_backlog.TryDequeue(out slot))
                {
                    break;
                }
            }

            _free.Push(caller);

            // A slot queued between the failed dequeue and the push must not wait for the next completion.
            if (!_stopping && !_backlog.IsEmpty && _free.TryPop(out var again))
            {
                if (_backlog.TryDequeue(out var late))
                {
                    Interlocked.Increment(ref _busy);
                    _ = RunCallerAsync(again, late);
                }
                else
                {
                    _free.Push(again);
                }
            }
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _busy) == 0)
        {
            _idle.TrySetResult();
        }
    }

    private static void Sleep()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Native.usleep((uint)Tick.TotalMicroseconds);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = false)]
        public static extern int usleep(uint microseconds);
    }
}
