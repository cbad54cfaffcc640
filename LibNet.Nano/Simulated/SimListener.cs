using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A test-side TCP listener on a <see cref="SimulatedAdapter"/>'s network
    /// (<see cref="SimulatedAdapter.Listen(int)"/>). Clients that connect wait in a queue of
    /// <see cref="Backlog"/> (more are refused) until <see cref="Accept"/> takes them. With
    /// <see cref="Echo"/> the network itself serves each client: it reads back what it writes,
    /// with the same window, and nothing is queued. Set the properties before clients connect.
    /// </summary>
    public sealed class SimListener : IDisposable
    {
        /// <summary>Clients that may wait to be accepted; more are refused.</summary>
        public const int Backlog = 8;

        internal readonly AutoResetEvent Signal = new AutoResetEvent(false);
        internal SimBinding Binding;

        private readonly SimulatedAdapter _net;
        private readonly SimPeer[] _pending = new SimPeer[Backlog];
        private int _pendingCount;
        private int _connections;
        private bool _closed;

        internal SimListener(SimulatedAdapter net, int port)
        {
            _net = net;
            Port = port;
            ReceiveWindow = net.ReceiveWindow;
        }

        /// <summary>The port it listens on.</summary>
        public int Port { get; private set; }

        /// <summary>True: every client reads back what it writes (served by the network, never queued for <see cref="Accept"/>).</summary>
        public bool Echo { get; set; }

        /// <summary>Window of the stream toward this listener's peers (bytes; default the adapter's <see cref="SimulatedAdapter.ReceiveWindow"/>).</summary>
        public int ReceiveWindow { get; set; }

        /// <summary>Reset each connection once the client has sent this many bytes (0 = never).</summary>
        public long ResetAfterBytes { get; set; }

        /// <summary>Clients that connected so far (accepted, waiting or echoed).</summary>
        public int Connections { get { lock (_net.Sync) { return _connections; } } }

        /// <summary>Takes the next client that connected.</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>The peer, or null on timeout or when the listener is closed.</returns>
        public SimPeer Accept(int timeout)
        {
            long until = SimWait.Until(timeout);
            while (true)
            {
                lock (_net.Sync)
                {
                    if (_closed)
                    {
                        return null;
                    }

                    if (_pendingCount > 0)
                    {
                        SimPeer p = _pending[0];
                        for (int i = 1; i < _pendingCount; i++)
                        {
                            _pending[i - 1] = _pending[i];
                        }

                        _pending[--_pendingCount] = null;
                        return p;
                    }
                }

                if (!SimWait.Step(Signal, until, long.MaxValue))
                {
                    return null;
                }
            }
        }

        /// <summary>Stops listening; clients not yet accepted are reset.</summary>
        public void Close()
        {
            lock (_net.Sync)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                _net.RemoveBinding(Binding);
                for (int i = 0; i < _pendingCount; i++)
                {
                    _pending[i].ResetLocked();
                    _pending[i] = null;
                }

                _pendingCount = 0;
            }

            Signal.Set();
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose()
        {
            Close();
        }

        /// <summary>Network lock held: a client arrives; false when the queue is full.</summary>
        internal bool Offer(SimPipe fromClient, SimPipe toClient)
        {
            if (_closed || _pendingCount == Backlog)
            {
                return false;
            }

            AutoResetEvent signal = new AutoResetEvent(false);
            fromClient.ReaderSignal = signal;
            toClient.WriterSignal = signal;
            _pending[_pendingCount++] = new SimPeer(_net, fromClient, toClient, signal);
            _connections++;
            Signal.Set();
            return true;
        }

        /// <summary>Network lock held: an echoed client arrived.</summary>
        internal void CountEcho()
        {
            _connections++;
        }
    }
}
