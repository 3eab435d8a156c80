using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tollgate.Hosting.Tests;

/// <summary>Keeps a host's log lines, so a test can tell a refused handshake from a silo that is simply not there.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public bool Contains(string category, string text) =>
        _entries.Any(e => e.Category.Contains(category, StringComparison.Ordinal) && e.Text.Contains(text, StringComparison.Ordinal));

    public override string ToString() => string.Join("\n", _entries.Select(e => $"{e.Level} {e.Category}: {e.Text}"));

    public void Dispose()
    {
    }

    public sealed record Entry(string Category, LogLevel Level, string Text);

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue(new Entry(category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
            }
        }
    }
}
