namespace Tollgate.Runtime;

/// <summary>The identity of a grain: its interface's type name and its key. One activation per id.</summary>
public readonly record struct GrainId
{
    /// <summary>Longest key accepted, in characters. Keys are primary keys of state tables and directory rows.</summary>
    public const int MaxKeyLength = 256;

    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ValidateKey(key);
        Type = type;
        Key = key;
    }

    public string Type { get; }

    public string Key { get; }

    /// <summary>Throws a clear <see cref="ArgumentException"/> when <paramref name="key"/> cannot be a grain key.</summary>
    public static void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A grain key must not be empty.", nameof(key));
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException(
                $"A grain key is at most {MaxKeyLength} characters; this one has {key.Length}.", nameof(key));
        }
    }

    public override string ToString() => $"{Type}/{Key}";
}
