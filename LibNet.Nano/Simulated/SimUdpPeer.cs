using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A test-side UDP port on a <see cref="SimulatedAdapter"/>'s network
    /// (<see cref="SimulatedAdapter.BindUdp(int)"/>). Datagrams to it wait in a fixed queue
    /// (<see cref="SimulatedAdapter.DatagramQueueBytes"/>); the network's drop ratio applies to
    /// what it sends and what it is sent.
    /// </summary>
    public sealed class SimUdpPeer : IDisposable
    {
        internal readonly AutoResetEvent Signal = new AutoResetEvent(false);
        internal SimBinding Binding;

        private readonly SimulatedAdapter _net;
        private readonly byte[] _to = new byte[16];
        private readonly byte[] _from = new byte[16];
        private int _received;
        private bool _closed;

        internal SimUdpPeer(SimulatedAdapter net, int port)
        {
            _net = net;
            Port = port;
        }

        /// <summary>The port it is bound to (on <see cref="SimulatedAdapter.PeerAddress"/>).</summary>
        public int Port { get; private set; }

        /// <summary>Datagrams taken with <see cref="Receive"/> so far.</summary>
        public int Received { get { lock (_net.Sync) { return _received; } } }

        /// <summary>Datagrams that were dropped because this port's queue was full.</summary>
        public int Overflowed { get { lock (_net.Sync) { return Binding.Datagrams.Overflowed; } } }

        /// <summary>Sends one datagram (it may still be lost on the way, and counted there).</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many.</param>
        /// <param name="host">Destination IP literal (<see cref="SimulatedAdapter.LocalAddress"/> for the library's ports).</param>
        /// <param name="port">Destination port.</param>
        /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP literal.</exception>
        /// <exception cref="ObjectDisposedException">The peer was closed.</exception>
        public void Send(byte[] data, int offset, int count, string host, int port)
        {
            if (data == null || host == null)
            {
                throw new ArgumentNullException(data == null ? "data" : "host");
            }

            if (offset < 0 || count < 0 || count > data.Length - offset)
            {
                throw new ArgumentOutOfRangeException("count", "offset and count must fit in the array");
            }

            lock (_net.Sync)
            {
                if (_closed)
                {
                    throw new ObjectDisposedException("SimUdpPeer");
                }

                int length = IpText.Parse(host, _to);
                if (length == 0)
                {
                    throw new ArgumentException("not an IP literal: '" + host + "'", "host");
                }

                _net.Deliver(data, offset, count, _net.PeerBytes, 4, Port, _to, length, port);
            }
        }

        /// <summary>Takes the next datagram, waiting for one.</summary>
        /// <param name="buffer">Where to copy (a longer datagram is cut).</param>
        /// <param name="offset">Where to start.</param>
        /// <param name="count">At most this many bytes.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="fromPort">The sender's port.</param>
        /// <returns>Bytes copied, or -1 on timeout or when closed.</returns>
        public int Receive(byte[] buffer, int offset, int count, int timeout, out int fromPort)
        {
            long until = SimWait.Until(timeout);
            while (true)
            {
                lock (_net.Sync)
                {
                    if (_closed)
                    {
                        fromPort = 0;
                        return -1;
                    }

                    int length;
                    int n = Binding.Datagrams.Take(buffer, offset, count, _from, out length, out fromPort);
                    if (n >= 0)
                    {
                        _received++;
                        return n;
                    }
                }

                if (!SimWait.Step(Signal, until, long.MaxValue))
                {
                    fromPort = 0;
                    return -1;
                }
            }
        }

        /// <summary>Unbinds the port.</summary>
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
            }

            Signal.Set();
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose()
        {
            Close();
        }
    }
}
