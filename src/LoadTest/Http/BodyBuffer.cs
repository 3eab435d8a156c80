namespace Tollgate.LoadTest.Http;

/// <summary>A loop's reusable buffer for answer bodies: read whole, kept only until the next request.</summary>
public sealed class BodyBuffer
{
    private byte[] _data = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    public async ValueTask ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        Length = 0;
        int read;
        while ((read = await body.ReadAsync(_data.AsMemory(Length), cancellationToken)) > 0)
        {
            Length += read;
            if (Length == _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }
        }
    }
}
