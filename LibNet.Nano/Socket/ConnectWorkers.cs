using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// The threads that run an adapter's natively blocking operations (DNS, connect, TLS
    /// handshake): one per operation in flight, made when it starts and ended when it ends, so no
    /// connect ever waits behind another (a dead host holds only its own worker). Bounded by the
    /// netcs that exist: a netc runs at most one connect of its own, plus an earlier one of it
    /// whose uncancellable call (a name lookup) has not returned yet; a TLS listener at most
    /// <see cref="NetCtrl.AcceptBacklog"/> client handshakes. Neither the engine nor a task ever
    /// blocks in such a call; a task's deadline is enforced by closing the socket, which wakes
    /// the worker (a name lookup ends on its own, with its result thrown away).
    /// </summary>
    internal sealed class ConnectWorkers
    {
        private readonly SocketEngine _engine;
        private readonly object _lock = new object();
        private int _threads;

        internal ConnectWorkers(SocketEngine engine)
        {
            _engine = engine;
        }

        /// <summary>Worker threads alive now.</summary>
        internal int Threads { get { lock (_lock) { return _threads; } } }

        /// <summary>Starts the connect of <paramref name="netc"/> on <paramref name="transport"/> (connection <paramref name="epoch"/>); false when no thread could be made.</summary>
        internal bool StartConnect(NetCtrl netc, Transport transport, int epoch)
        {
            return Start(new ConnectJob(this, netc, transport, epoch, false));
        }

        /// <summary>Starts the TLS handshake of a client <paramref name="listener"/> accepted; false when no thread could be made.</summary>
        internal bool StartHandshake(NetCtrl listener, Transport client)
        {
            return Start(new ConnectJob(this, listener, client, 0, true));
        }

        private bool Start(ConnectJob job)
        {
            lock (_lock)
            {
                _threads++;
            }

            _engine.MarkBusy();
            try
            {
                new Thread(job.Run).Start();
                return true;
            }
            catch (Exception)
            {
                // Out of memory for a thread: the caller fails the operation (Busy).
                Ended();
                return false;
            }
        }

        /// <summary>A worker's operation returned: its thread ends.</summary>
        internal void Ended()
        {
            lock (_lock)
            {
                _threads--;
            }

            _engine.CheckIdle();
        }
    }
}
