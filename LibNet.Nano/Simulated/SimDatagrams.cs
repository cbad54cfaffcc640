namespace NanoLibNet
{
    /// <summary>
    /// The receive queue of a simulated UDP port: datagrams as records (length, sender port,
    /// address length, 16 address bytes, payload) in one fixed ring, so queueing allocates
    /// nothing. A datagram that does not fit is dropped and counted, as a full socket buffer
    /// drops it. Used under the network's lock.
    /// </summary>
    internal sealed class SimDatagrams
    {
        private const int Header = 2 + 2 + 1 + 16;
        private readonly ByteRing _ring;

        /// <summary>Datagrams dropped because the queue was full.</summary>
        internal int Overflowed;

        internal SimDatagrams(int capacity)
        {
            _ring = new ByteRing(capacity);
        }

        internal bool IsEmpty { get { return _ring.Count == 0; } }

        /// <summary>Queues one datagram; false (and counted) when it does not fit.</summary>
        internal bool Put(byte[] data, int offset, int count, byte[] from, int fromLength, int fromPort)
        {
            if (count + Header > _ring.Free)
            {
                Overflowed++;
                return false;
            }

            _ring.WriteUInt16(count);
            _ring.WriteUInt16(fromPort);
            _ring.WriteByte(fromLength);
            for (int i = 0; i < 16; i++)
            {
                _ring.WriteByte(i < fromLength ? from[i] : 0);
            }

            _ring.Write(data, offset, count);
            return true;
        }

        /// <summary>Takes the oldest datagram (cut to <paramref name="count"/>); -1 when none is queued.</summary>
        internal int Take(byte[] buffer, int offset, int count, byte[] from, out int fromLength, out int fromPort)
        {
            if (_ring.Count == 0)
            {
                fromLength = 0;
                fromPort = 0;
                return -1;
            }

            int len = _ring.ReadUInt16();
            fromPort = _ring.ReadUInt16();
            fromLength = _ring.ReadByte();
            for (int i = 0; i < 16; i++)
            {
                int b = _ring.ReadByte();
                if (from != null)
                {
                    from[i] = (byte)b;
                }
            }

            int take = len < count ? len : count;
            _ring.Read(buffer, offset, take);
            if (len > take)
            {
                _ring.Skip(len - take);
            }

            return take;
        }
    }
}
