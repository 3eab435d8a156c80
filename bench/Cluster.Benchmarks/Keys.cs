namespace Tollgate.Cluster.Benchmarks;

/// <summary>Grain keys shared by the modes.</summary>
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
}
