using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A library socket on the simulated network, as the engine and the connect workers drive
    /// it: a stream (two <see cref="SimPipe"/>s), a listener (a queue of clients that arrived) or
    /// a UDP port. <see cref="Connect"/> blocks its worker for a slow name lookup or a black-hole
    /// address until <see cref="Close"/> wakes it, as a native connect does. Failures are
    /// <see cref="NetFailure"/>s. State is guarded by the network's lock.
    /// </summary>
    internal sealed class SimTransport : Transport
    {
        private const int PendingCapacity = 8;

        private readonly SimulatedAdapter _net;
        private readonly bool _udp;
        private readonly ManualResetEvent _closedSignal = new ManualResetEvent(false);
        private bool _closed;
        private bool _opened;

        private SimPipe _in;
        private SimPipe _out;
        private SimBinding _binding;
        private SimTransport[] _pending;
        private int _pendingCount;
        private readonly byte[] _peer = new byte[16];
        private int _peerLength;
        private int _peerPort;
        private int _localPort;
        private string _remoteText;

        internal SimTransport(SimulatedAdapter net, bool udp)
        {
            _net = net;
            _udp = udp;
        }

        // A listener's accepted client (network lock held): open from the start.
        private SimTransport(SimulatedAdapter net, SimPipe input, SimPipe output, int localPort, byte[] peer, int peerLength, int peerPort)
        {
            _net = net;
            _in = input;
            _out = output;
            _localPort = localPort;
            Array.Copy(peer, _peer, peerLength);
            _peerLength = peerLength;
            _peerPort = peerPort;
            _opened = true;
            net.Opened();
        }

        internal override void Connect(string host, int port, NetCtrl config)
        {
            byte[] to = new byte[16];
            int length = _net.Resolve(host, to, _closedSignal);
            bool blackHole;
            lock (_net.Sync)
            {
                ThrowIfClosed();
                if (!_net.LinkUpLocked)
                {
                    throw new NetFailure(NetError.LinkDown, "the network link is down");
                }

                _opened = true;
                _net.Opened();
                _localPort = config.LocalPort != 0 ? config.LocalPort : _net.NextPort();
                Array.Copy(to, _peer, 16);
                _peerLength = length;
                _peerPort = port;
                if (_udp)
                {
                    _binding = _net.AddBinding(_net.LocalBytes, 4, _localPort, true, this, _net.Activity);
                    if (_binding == null)
                    {
                        throw new NetFailure(NetError.AddressInUse, "UDP port " + _localPort + " is in use");
                    }

                    return;
                }

                blackHole = _net.IsBlackHole(to, length);
                if (!blackHole)
                {
                    SimPipe input;
                    SimPipe output;
                    int code = _net.OpenStream(to, length, port, _net.Activity, _net.LocalBytes, 4, _localPort, out input, out output);
                    if (code != NetError.None)
                    {
                        throw new NetFailure(code, "connection to " + host + ":" + port + " refused");
                    }

                    _in = input;
                    _out = output;
                    return;
                }
            }

            // Never answered: only a close (the task's deadline, Close, link down) ends it.
            _closedSignal.WaitOne(Timeout.Infinite, false);
            throw new NetFailure(NetError.Aborted, "closed while connecting to " + host + ":" + port);
        }

        internal override void Listen(int localPort, int backlog, NetCtrl config)
        {
            lock (_net.Sync)
            {
                ThrowIfClosed();
                if (!_net.LinkUpLocked)
                {
                    throw new NetFailure(NetError.LinkDown, "the network link is down");
                }

                _binding = _net.AddBinding(_net.LocalBytes, 4, localPort, _udp, this, _net.Activity);
                if (_binding == null)
                {
                    throw new NetFailure(NetError.AddressInUse, "port " + localPort + " is in use");
                }

                _localPort = localPort;
                if (!_udp)
                {
                    _pending = new SimTransport[PendingCapacity];
                }

                _opened = true;
                _net.Opened();
            }
        }

        /// <summary>Network lock held: a client arrives at this listener; false when its queue is full or it closed.</summary>
        internal bool Offer(SimPipe fromClient, SimPipe toClient, byte[] client, int clientLength, int clientPort)
        {
            if (_closed || _pendingCount == PendingCapacity)
            {
                return false;
            }

            _pending[_pendingCount++] = new SimTransport(_net, fromClient, toClient, _localPort, client, clientLength, clientPort);
            _net.Activity.Set();
            return true;
        }

        internal override Transport Accept()
        {
            lock (_net.Sync)
            {
                if (_pendingCount == 0)
                {
                    return null;
                }

                SimTransport c = _pending[0];
                for (int i = 1; i < _pendingCount; i++)
                {
                    _pending[i - 1] = _pending[i];
                }

                _pending[--_pendingCount] = null;
                return c;
            }
        }

        internal override int Send(byte[] buffer, int offset, int count)
        {
            if (_udp)
            {
                return SendTo(buffer, offset, count, _peer, _peerLength, _peerPort);
            }

            lock (_net.Sync)
            {
                ThrowIfClosed();
                if (_out.Reset || _out.ReaderGone)
                {
                    // Data to a peer that closed is answered with a reset, as TCP does.
                    _out.Reset = true;
                    _in.Reset = true;
                    _out.SignalBoth();
                    throw new NetFailure(NetError.Reset, "the peer reset the connection");
                }

                int n = _out.Write(buffer, offset, count, SimulatedAdapter.NowTicks);
                if (_out.Reset)
                {
                    _in.Reset = true;
                    _in.SignalBoth();
                }

                if (n > 0 && _out.ReaderSignal != null)
                {
                    _out.ReaderSignal.Set();
                }

                return n;
            }
        }

        /// <inheritdoc/>
        internal override bool CanSendDirect { get { return true; } }

        /// <inheritdoc/>
        internal override bool MoreWaiting
        {
            get
            {
                lock (_net.Sync)
                {
                    return !_closed && _in != null && _in.Readable(SimulatedAdapter.NowTicks) > 0;
                }
            }
        }

        /// <summary>Caller thread: a simulated send never blocks (it takes what the peer's window has room for), so the caller may do it at once.</summary>
        internal override int TrySend(byte[] buffer, int offset, int count)
        {
            return Send(buffer, offset, count);
        }

        /// <inheritdoc/>
        internal override int TrySendTo(byte[] buffer, int offset, int count, byte[] address, int addressLength, int port)
        {
            return addressLength == 0 ? Send(buffer, offset, count) : SendTo(buffer, offset, count, address, addressLength, port);
        }

        internal override int Receive(byte[] buffer, int offset, int count)
        {
            lock (_net.Sync)
            {
                ThrowIfClosed();
                if (_in.Reset)
                {
                    throw new NetFailure(NetError.Reset, "the peer reset the connection");
                }

                int n = _in.Read(buffer, offset, count, SimulatedAdapter.NowTicks);
                if (n > 0)
                {
                    if (_in.WriterSignal != null)
                    {
                        _in.WriterSignal.Set();
                    }

                    return n;
                }

                return _in.AtEnd ? 0 : -1;
            }
        }

        internal override int SendTo(byte[] buffer, int offset, int count, byte[] address, int addressLength, int port)
        {
            lock (_net.Sync)
            {
                ThrowIfClosed();
                if (addressLength == 0)
                {
                    throw new NetFailure(NetError.NotConnected, "a datagram without a destination: Connect first or Tx to a host and port");
                }

                _net.Deliver(buffer, offset, count, _net.LocalBytes, 4, _localPort, address, addressLength, port);
                return count;
            }
        }

        internal override int ReceiveFrom(byte[] buffer, int offset, int count, byte[] address, out int addressLength, out int port)
        {
            lock (_net.Sync)
            {
                ThrowIfClosed();
                return _binding.Datagrams.Take(buffer, offset, count, address, out addressLength, out port);
            }
        }

        /// <summary>Network lock held: what is ready of what the engine asked for; lowers <paramref name="due"/> to the next delayed segment.</summary>
        internal int ReadyNow(long now, ref long due)
        {
            if (_closed)
            {
                return 0;
            }

            int want = Interest;
            int ready = 0;
            if (_pending != null)
            {
                return _pendingCount > 0 ? ReadyRead & want : 0;
            }

            if (_udp)
            {
                if (_binding != null && !_binding.Datagrams.IsEmpty)
                {
                    ready |= ReadyRead;
                }

                return (ready | ReadyWrite) & want;
            }

            if (_in == null)
            {
                return 0;
            }

            if ((want & ReadyRead) != 0)
            {
                if (_in.Reset)
                {
                    return ReadyRead | ReadyError;
                }

                if (_in.Readable(now) > 0 || _in.AtEnd)
                {
                    ready |= ReadyRead;
                }
                else if (_in.NextDue < due)
                {
                    due = _in.NextDue;
                }
            }

            if ((want & ReadyWrite) != 0 && (_out.Free > 0 || _out.Reset || _out.ReaderGone))
            {
                ready |= ReadyWrite;
            }

            return ready;
        }

        internal override void Close()
        {
            SimTransport[] pending = null;
            int pendingCount = 0;
            bool opened;
            lock (_net.Sync)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                opened = _opened;
                if (_binding != null)
                {
                    _net.RemoveBinding(_binding);
                }

                if (_out != null)
                {
                    // FIN to the peer; our reader is gone, so more data from it resets.
                    _out.Fin = true;
                    _in.ReaderGone = true;
                    _out.SignalBoth();
                    _in.SignalBoth();
                }

                if (_pendingCount > 0)
                {
                    pending = _pending;
                    pendingCount = _pendingCount;
                    _pendingCount = 0;
                }
            }

            _closedSignal.Set();
            for (int i = 0; i < pendingCount; i++)
            {
                pending[i].Close();
                pending[i] = null;
            }

            if (opened)
            {
                _net.Closed();
            }
        }

        internal override string LocalEndPoint
        {
            get { return _localPort == 0 ? null : SimulatedAdapter.LocalAddress + ":" + _localPort; }
        }

        internal override string RemoteEndPoint
        {
            get
            {
                if (_peerLength == 0)
                {
                    return null;
                }

                if (_remoteText == null)
                {
                    _remoteText = IpText.Format(_peer, _peerLength) + ":" + _peerPort;
                }

                return _remoteText;
            }
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new NetFailure(NetError.Aborted, "the socket was closed");
            }
        }
    }
}
