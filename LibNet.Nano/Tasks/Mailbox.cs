using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A task's mailbox: a fixed ring allocated once, head and count under a lock, and one
    /// <see cref="AutoResetEvent"/> that wakes the owning task. Posting never blocks: a full ring
    /// refuses and counts the refusal.
    /// The ring is two parallel arrays, not a <see cref="TaskMessage"/>[]: nanoFramework keeps
    /// each element of an array of structs as a boxed object of its own (a 4-field struct costs
    /// a header block plus a block per field, per slot), while an <c>int[]</c> holds raw
    /// values. Measured on the nanoCLR: 16 slots cost 2,304 bytes as <c>TaskMessage[16]</c>,
    /// about 1,000 as these two arrays (docs/ram-budget.md).
    /// </summary>
    internal sealed class Mailbox
    {
        // Slot i: _ints[2i] = Id, _ints[2i + 1] = Param; _refs[2i] = Source, _refs[2i + 1] = Data.
        private readonly int[] _ints;
        private readonly object[] _refs;
        private readonly int _capacity;
        private readonly object _lock = new object();
        private readonly AutoResetEvent _signal = new AutoResetEvent(false);
        private int _head;
        private int _count;
        private int _highWater;
        private int _refused;
        private int _dropped;
        private int _posted;

        internal Mailbox(int capacity)
        {
            _capacity = capacity;
            _ints = new int[2 * capacity];
            _refs = new object[2 * capacity];
        }

        internal int Capacity { get { return _capacity; } }

        internal int Count { get { lock (_lock) { return _count; } } }

        internal int HighWater { get { return _highWater; } }

        internal int Refused { get { return _refused; } }

        internal int Dropped { get { return _dropped; } }

        internal int Posted { get { return _posted; } }

        internal AutoResetEvent Signal { get { return _signal; } }

        /// <summary>Queues a message; false (and counted) when the ring is full.</summary>
        internal bool Post(int id, int param, object source, object data)
        {
            lock (_lock)
            {
                if (_count == _capacity)
                {
                    _refused++;
                    return false;
                }

                int tail = _head + _count;
                if (tail >= _capacity)
                {
                    tail -= _capacity;
                }

                Store(tail, id, param, source, data);
                _count++;
                _posted++;
                if (_count > _highWater)
                {
                    _highWater = _count;
                }
            }

            _signal.Set();
            return true;
        }

        /// <summary>Counts a refusal made on this mailbox's behalf (the task is gone).</summary>
        internal void CountRefused()
        {
            Interlocked.Increment(ref _refused);
        }

        /// <summary>Counts a message taken on the way and dropped for want of a callback.</summary>
        internal void CountDropped()
        {
            Interlocked.Increment(ref _dropped);
        }

        /// <summary>Takes the oldest message, if any.</summary>
        internal bool TryTake(out TaskMessage msg)
        {
            lock (_lock)
            {
                if (_count == 0)
                {
                    msg = default(TaskMessage);
                    return false;
                }

                int i = 2 * _head;
                msg = new TaskMessage(_ints[i], _ints[i + 1], _refs[i], _refs[i + 1]);

                // Cleared so the ring keeps no sender or payload alive.
                _refs[i] = null;
                _refs[i + 1] = null;
                _head++;
                if (_head == _capacity)
                {
                    _head = 0;
                }

                _count--;
            }

            IMessageSource src = msg.Source as IMessageSource;
            if (src != null)
            {
                src.OnMessageTaken(msg.Id);
            }

            return true;
        }

        /// <summary>
        /// Removes every queued message with this id from this source (stale events a blocking
        /// call must not mistake for a fresh one); keeps the order of the rest. Returns how many.
        /// </summary>
        internal int Purge(int id, object source)
        {
            int removed = 0;
            lock (_lock)
            {
                int n = _capacity;
                int write = 0;
                for (int read = 0; read < _count; read++)
                {
                    int ri = 2 * ((_head + read) % n);
                    if (_ints[ri] == id && _refs[ri] == source)
                    {
                        removed++;
                        continue;
                    }

                    if (write != read)
                    {
                        Store((_head + write) % n, _ints[ri], _ints[ri + 1], _refs[ri], _refs[ri + 1]);
                    }

                    write++;
                }

                for (int i = write; i < _count; i++)
                {
                    Store((_head + i) % n, 0, 0, null, null);
                }

                _count = write;
            }

            if (removed > 0)
            {
                IMessageSource src = source as IMessageSource;
                if (src != null)
                {
                    src.OnMessageTaken(id);
                }
            }

            return removed;
        }

        /// <summary>Wakes the owner without a message (a sticky event it must look at).</summary>
        internal void Wake()
        {
            _signal.Set();
        }

        private void Store(int slot, int id, int param, object source, object data)
        {
            int i = 2 * slot;
            _ints[i] = id;
            _ints[i + 1] = param;
            _refs[i] = source;
            _refs[i + 1] = data;
        }
    }
}
