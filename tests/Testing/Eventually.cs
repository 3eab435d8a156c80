namespace Tollgate.Testing;

/// <summary>Awaits a condition with a deadline instead of sleeping a guessed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan deadline, string because)
    {
        await TrueAsync(() => Task.FromResult(condition()), deadline, because);
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string because)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Not true within {deadline.TotalSeconds:0.#} s: {because}");
            }

            await Task.Delay(20);
        }
    }
}
