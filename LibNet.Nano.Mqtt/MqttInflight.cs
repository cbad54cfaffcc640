using System;

namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// The QoS 1 messages sent and not yet acknowledged: a fixed table of slots, in the order the
    /// messages were sent, and one byte store holding each message's whole PUBLISH packet (kept to
    /// be resent with DUP after a reconnect). The store is a ring: packets are placed one after the
    /// other and freed from the oldest; a broker acknowledges in order (MQTT 3.1.1 section 4.6),
    /// and a PUBACK out of order only marks its slot, which is reclaimed when the older ones go.
    /// The same store lends its free part, briefly, to encode other packets (QoS 0 publishes,
    /// SUBSCRIBE) before they are sent. Everything is allocated once.
    /// </summary>
    internal sealed class MqttInflight
    {
        internal readonly byte[] Store;
        private readonly int[] _id;
        private readonly int[] _start;
        private readonly int[] _length;
        private int _first;
        private int _count;
        private int _live;

        internal MqttInflight(int slots, int storeBytes)
        {
            Store = new byte[storeBytes];
            _id = new int[slots];
            _start = new int[slots];
            _length = new int[slots];
        }

        /// <summary>Slots in the table.</summary>
        internal int Capacity { get { return _id.Length; } }

        /// <summary>Messages waiting for their PUBACK.</summary>
        internal int Count { get { return _live; } }

        /// <summary>True when a message with this packet id waits for its PUBACK.</summary>
        internal bool Contains(int id)
        {
            for (int k = 0; k < _count; k++)
            {
                if (_id[Slot(k)] == id)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Where <paramref name="n"/> contiguous bytes fit in the store now, or -1.</summary>
        internal int Place(int n)
        {
            if (_count == 0)
            {
                return n <= Store.Length ? 0 : -1;
            }

            int head = _start[_first];
            int last = Slot(_count - 1);
            int end = _start[last] + _length[last];
            if (end > head)
            {
                // Not wrapped: free space after the newest, then before the oldest.
                if (Store.Length - end >= n)
                {
                    return end;
                }

                return n <= head ? 0 : -1;
            }

            // Wrapped: the only free space is between the newest and the oldest.
            return head - end >= n ? end : -1;
        }

        /// <summary>True when a slot is free.</summary>
        internal bool HasSlot { get { return _count < _id.Length; } }

        /// <summary>Records the packet at <paramref name="start"/> (from <see cref="Place"/>) as in flight.</summary>
        internal void Add(int id, int start, int length)
        {
            int s = Slot(_count);
            _id[s] = id;
            _start[s] = start;
            _length[s] = length;
            _count++;
            _live++;
        }

        /// <summary>A PUBACK came: frees the message's slot; false when no message had that id.</summary>
        internal bool Ack(int id)
        {
            for (int k = 0; k < _count; k++)
            {
                int s = Slot(k);
                if (_id[s] == id)
                {
                    _id[s] = 0;
                    _live--;
                    Trim();
                    return true;
                }
            }

            return false;
        }

        /// <summary>Forgets the newest message (it could not be sent at all).</summary>
        internal void DropNewest(int id)
        {
            if (_count == 0)
            {
                return;
            }

            int s = Slot(_count - 1);
            if (_id[s] == id)
            {
                _id[s] = 0;
                _live--;
                _count--;
                Trim();
            }
        }

        /// <summary>Forgets every message (a clean session starts with none).</summary>
        internal void Clear()
        {
            _first = 0;
            _count = 0;
            _live = 0;
            for (int i = 0; i < _id.Length; i++)
            {
                _id[i] = 0;
            }
        }

        /// <summary>The k-th message still waiting, oldest first (k below <see cref="Count"/>'s slots): its start and length, or false when that slot was acknowledged.</summary>
        internal bool Get(int k, out int start, out int length)
        {
            int s = Slot(k);
            start = _start[s];
            length = _length[s];
            return _id[s] != 0;
        }

        /// <summary>Slots in use, acknowledged ones still ahead of the oldest waiting one included.</summary>
        internal int Used { get { return _count; } }

        private void Trim()
        {
            while (_count > 0 && _id[_first] == 0)
            {
                _first = (_first + 1) % _id.Length;
                _count--;
            }

            if (_count == 0)
            {
                _first = 0;
            }
        }

        private int Slot(int k)
        {
            return (_first + k) % _id.Length;
        }
    }
}
