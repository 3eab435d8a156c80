namespace Tollgate.Runtime.Benchmarks;

/// <summary>Grain keys and deterministic pseudo-random picks shared by the benchmarks.</summary>
public static class Keys
{
    /// <summary><paramref name="count"/> distinct keys <c>{prefix}-0</c> … <c>{prefix}-{count-1}</c>.</summary>
    public static string[] Make(string prefix, int count)
    {
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = $"{prefix}-{i}";
        }

        return keys;
    }

    /// <summary>
    /// For each of <paramref name="callers"/>, <paramref name="calls"/> indices below <paramref name="range"/>,
    /// from a fixed-seed xorshift generator: the same sequence on every run.
    /// </summary>
    public static int[][] Picks(int callers, int calls, int range)
    {
        var picks = new int[callers][];
        var x = 0x2545F491u;
        for (var c = 0; c < callers; c++)
        {
            picks[c] = new int[calls];
            for (var i = 0; i < calls; i++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                picks[c][i] = (int)(x % (uint)range);
            }
        }

        return picks;
    }
}
