using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A task's mailbox: a fixed ring of <see cref="TaskMessage"/> allocated once, head and count
    /// under a lock, and one <see cref="AutoResetEvent"/> that wakes the owning task.
    /// Posting never blocks: a full ring refuses and counts the refusal.
    /// </summary>
    internal sealed class Mailbox
    {
        private readonly TaskMessage[] _ring;
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
            _ring = new TaskMessage[capacity];
        }

        internal int Capacity { get { return _ring.Length; } }

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
                if (_count == _ring.Length)
                {
                    _refused++;
                    return false;
                }

                int tail = _head + _count;
                if (tail >= _ring.Length)
                {
                    tail -= _ring.Length;
                }

                _ring[tail].Id = id;
                _ring[tail].Param = param;
                _ring[tail].Source = source;
                _ring[tail].Data = data;
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

                msg = _ring[_head];
                _ring[_head] = default(TaskMessage);
                _head++;
                if (_head == _ring.Length)
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
                int n = _ring.Length;
                int write = 0;
                for (int read = 0; read < _count; read++)
                {
                    int ri = (_head + read) % n;
                    if (_ring[ri].Id == id && _ring[ri].Source == source)
                    {
                        removed++;
                        continue;
                    }

                    if (write != read)
                    {
                        _ring[(_head + write) % n] = _ring[ri];
                    }

                    write++;
                }

                for (int i = write; i < _count; i++)
                {
                    _ring[(_head + i) % n] = default(TaskMessage);
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
    }
}
