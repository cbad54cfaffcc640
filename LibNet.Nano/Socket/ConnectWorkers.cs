using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// The small pool that runs an adapter's natively blocking operations (DNS, connect, TLS
    /// handshake): at most <see cref="MaxThreads"/> threads, created on demand, each ending when
    /// the queue is empty. Neither the engine nor a task ever blocks in such a call; a task's
    /// deadline is enforced by closing the socket, which wakes the worker.
    /// The queue is a fixed ring: when it is full, a connect fails at once with <see cref="NetError.Busy"/>.
    /// </summary>
    internal sealed class ConnectWorkers
    {
        internal const int MaxThreads = 2;
        internal const int QueueCapacity = 32;

        private readonly SocketEngine _engine;
        private readonly NetCtrl[] _queue = new NetCtrl[QueueCapacity];
        private int _head;
        private int _count;
        private int _threads;
        private int _busy;

        internal ConnectWorkers(SocketEngine engine)
        {
            _engine = engine;
        }

        /// <summary>Worker threads alive now.</summary>
        internal int Threads { get { lock (_queue) { return _threads; } } }

        /// <summary>Queues a connect; false when the queue is full.</summary>
        internal bool Enqueue(NetCtrl netc)
        {
            bool start = false;
            lock (_queue)
            {
                if (_count == _queue.Length)
                {
                    return false;
                }

                _queue[(_head + _count) % _queue.Length] = netc;
                _count++;

                // Another thread when the threads not busy with a job are fewer than the jobs
                // queued: a worker blocked in a slow job (a silent TLS client, a black-holed
                // connect) must not hold up the next one while a second worker is allowed.
                if (_threads < MaxThreads && _threads - _busy < _count)
                {
                    _threads++;
                    start = true;
                }
            }

            if (start)
            {
                _engine.MarkBusy();
                new Thread(Run).Start();
            }

            return true;
        }

        private void Run()
        {
            while (true)
            {
                NetCtrl netc;
                lock (_queue)
                {
                    if (_count == 0)
                    {
                        _threads--;
                        break;
                    }

                    netc = _queue[_head];
                    _queue[_head] = null;
                    _head = (_head + 1) % _queue.Length;
                    _count--;
                    _busy++;
                }

                netc.RunConnect();
                lock (_queue)
                {
                    _busy--;
                }
            }

            _engine.CheckIdle();
        }
    }
}
