using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace NetLearn.Serving.Protocols;

/// <summary>A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>; returned on dispose.</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _written;

    public PooledBuffer(int initialSize = 16384)
    {
        _array = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>A writer target that holds nothing, for detaching a cached <c>Utf8JsonWriter</c> from a returned buffer.</summary>
    public static IBufferWriter<byte> Detached { get; } = new ArrayBufferWriter<byte>(1);

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Appends bytes.</summary>
    public void Write(ReadOnlySequence<byte> data)
    {
        Ensure(checked((int)data.Length));
        data.CopyTo(_array.AsSpan(_written));
        _written += (int)data.Length;
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, checked(_written + needed)));
        _array.AsSpan(0, _written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_array);
        _array = grown;
    }
}

/// <summary>A request body read whole into a pooled buffer (the size limit is Kestrel's <c>MaxRequestBodySize</c>).</summary>
internal sealed class RequestBody : IDisposable
{
    private readonly PooledBuffer _buffer;

    private RequestBody(PooledBuffer buffer)
    {
        _buffer = buffer;
    }

    public ReadOnlyMemory<byte> Memory => _buffer.WrittenMemory;

    /// <summary>Reads the whole body.</summary>
    /// <exception cref="BadHttpRequestException">Too large (413) or malformed transfer.</exception>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        long? declared = request.ContentLength;
        var buffer = new PooledBuffer(declared is > 0 and < 1 << 24 ? (int)declared.Value : 4096);
        try
        {
            var reader = request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                buffer.Write(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return new RequestBody(buffer);
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public void Dispose() => _buffer.Dispose();
}
