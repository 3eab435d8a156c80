using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Tollgate.Runtime.Transport;

/// <summary>
/// Length-prefixed frames: <c>[u32 length][u8 kind][i64 call id][body]</c>, length counting what follows it.
/// A request body is <c>[u16 n][grain type][u16 n][key][u16 n][method][u8 hops][arguments as a JSON array]</c>.
/// </summary>
internal static class FrameCodec
{
    public const int MaxFrameBytes = 16 * 1024 * 1024;
    private const int HeaderBytes = 4 + 1 + 8;

    public static byte[] Request(long callId, GrainId target, GrainRequest request, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Advance(HeaderBytes);
        WriteString(buffer, target.Type);
        WriteString(buffer, target.Key);
        WriteString(buffer, request.MethodName);
        buffer.GetSpan(1)[0] = (byte)request.Hops;
        buffer.Advance(1);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteArguments(writer, options);
        }

        var frame = buffer.WrittenSpan.ToArray();
        WriteHeader(frame, FrameKind.Request, callId);
        return frame;
    }

    public static byte[] Reply(FrameKind kind, long callId, ReadOnlySpan<byte> body)
    {
        var frame = new byte[HeaderBytes + body.Length];
        body.CopyTo(frame.AsSpan(HeaderBytes));
        WriteHeader(frame, kind, callId);
        return frame;
    }

    public static byte[] Error(long callId, Exception exception, JsonSerializerOptions options)
    {
        var retriable = exception is GrainException { IsRetriable: true };
        var type = exception is RemoteGrainException remote ? remote.RemoteType : exception.GetType().FullName ?? exception.GetType().Name;
        return Reply(FrameKind.Error, callId, JsonSerializer.SerializeToUtf8Bytes(new WireError(type, exception.Message, retriable), options));
    }

    /// <summary>Takes one whole frame off the front of <paramref name="buffer"/>, if it holds one.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[HeaderBytes];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length is < HeaderBytes - 4 or > MaxFrameBytes)
        {
            throw new InvalidDataException($"A frame of {length} bytes is outside 9..{MaxFrameBytes}; the connection is corrupt.");
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        buffer.Slice(0, HeaderBytes).CopyTo(prefix);
        var body = buffer.Slice(HeaderBytes, length - (HeaderBytes - 4)).ToArray();
        frame = new Frame((FrameKind)prefix[4], BinaryPrimitives.ReadInt64LittleEndian(prefix[5..]), body);
        buffer = buffer.Slice(4 + length);
        return true;
    }

    /// <summary>The target, method and JSON arguments of a request body.</summary>
    public static (GrainId Target, string Method, int Hops, ReadOnlyMemory<byte> Arguments) ParseRequest(byte[] body)
    {
        var offset = 0;
        var type = ReadString(body, ref offset);
        var key = ReadString(body, ref offset);
        var method = ReadString(body, ref offset);
        if (body.Length <= offset)
        {
            throw new InvalidDataException("A request frame ends inside its header.");
        }

        return (new GrainId(type, key), method, body[offset], body.AsMemory(offset + 1));
    }

    private static void WriteHeader(byte[] frame, FrameKind kind, long callId)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - 4));
        frame[4] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(5), callId);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"A frame string is at most {ushort.MaxValue} bytes.", nameof(value));
        }

        var span = buffer.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(value, span[2..]);
        buffer.Advance(2 + length);
    }

    private static string ReadString(byte[] body, ref int offset)
    {
        if (body.Length < offset + 2)
        {
            throw new InvalidDataException("A request frame ends inside its header.");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(offset));
        if (body.Length < offset + 2 + length)
        {
            throw new InvalidDataException("A request frame ends inside its header.");
        }

        var value = Encoding.UTF8.GetString(body, offset + 2, length);
        offset += 2 + length;
        return value;
    }
}
