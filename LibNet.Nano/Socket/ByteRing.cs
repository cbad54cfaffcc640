using System;

namespace NanoLibNet
{
    /// <summary>
    /// A fixed byte ring allocated once. Not thread-safe: its <see cref="NetCtrl"/> locks around it.
    /// The contiguous-segment methods let the engine receive into and send from the ring itself,
    /// with no copy through a scratch buffer.
    /// </summary>
    internal sealed class ByteRing
    {
        private readonly byte[] _buf;
        private int _head;
        private int _count;

        internal ByteRing(int capacity)
        {
            _buf = new byte[capacity];
        }

        internal byte[] Buffer { get { return _buf; } }

        internal int Capacity { get { return _buf.Length; } }

        internal int Count { get { return _count; } }

        internal int Free { get { return _buf.Length - _count; } }

        internal void Clear()
        {
            _head = 0;
            _count = 0;
        }

        /// <summary>Copies all of <paramref name="count"/> bytes in (caller checked <see cref="Free"/>).</summary>
        internal void Write(byte[] src, int offset, int count)
        {
            int tail = (_head + _count) % _buf.Length;
            int first = _buf.Length - tail;
            if (first > count)
            {
                first = count;
            }

            Array.Copy(src, offset, _buf, tail, first);
            if (count > first)
            {
                Array.Copy(src, offset + first, _buf, 0, count - first);
            }

            _count += count;
        }

        internal void WriteByte(int value)
        {
            _buf[(_head + _count) % _buf.Length] = (byte)value;
            _count++;
        }

        internal void WriteUInt16(int value)
        {
            WriteByte(value >> 8);
            WriteByte(value);
        }

        /// <summary>Copies up to <paramref name="count"/> bytes out; returns how many.</summary>
        internal int Read(byte[] dst, int offset, int count)
        {
            int n = count < _count ? count : _count;
            int first = _buf.Length - _head;
            if (first > n)
            {
                first = n;
            }

            Array.Copy(_buf, _head, dst, offset, first);
            if (n > first)
            {
                Array.Copy(_buf, 0, dst, offset + first, n - first);
            }

            Skip(n);
            return n;
        }

        internal int ReadByte()
        {
            int b = _buf[_head];
            Skip(1);
            return b;
        }

        internal int ReadUInt16()
        {
            int hi = ReadByte();
            return (hi << 8) | ReadByte();
        }

        /// <summary>Copies <paramref name="count"/> bytes that start <paramref name="skip"/> places after the head, without taking them.</summary>
        internal void Peek(int skip, byte[] dst, int offset, int count)
        {
            int start = (_head + skip) % _buf.Length;
            int first = _buf.Length - start;
            if (first > count)
            {
                first = count;
            }

            Array.Copy(_buf, start, dst, offset, first);
            if (count > first)
            {
                Array.Copy(_buf, 0, dst, offset + first, count - first);
            }
        }

        /// <summary>The byte <paramref name="index"/> places after the head, without taking it.</summary>
        internal int PeekByte(int index)
        {
            return _buf[(_head + index) % _buf.Length];
        }

        internal void Skip(int n)
        {
            // The head is not moved back to 0 when the ring empties: a receive into the free segment
            // computed under the lock may be under way outside it and must find the tail where it
            // was. The netc resets it (Clear) only when it knows no receive is under way.
            _head = (_head + n) % _buf.Length;
            _count -= n;
        }

        /// <summary>The longest run of queued bytes that starts at the head and does not wrap.</summary>
        internal int ReadableSegment(out int offset)
        {
            offset = _head;
            int first = _buf.Length - _head;
            return first < _count ? first : _count;
        }

        /// <summary>The longest run of free bytes after the tail that does not wrap.</summary>
        internal int WritableSegment(out int offset)
        {
            int tail = (_head + _count) % _buf.Length;
            offset = tail;
            int free = _buf.Length - _count;
            int first = _buf.Length - tail;
            return first < free ? first : free;
        }

        /// <summary>Marks <paramref name="n"/> bytes written straight into <see cref="WritableSegment"/>.</summary>
        internal void Commit(int n)
        {
            _count += n;
        }
    }
}
