using System;
using System.Collections;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// An in-memory network for tests, with fault injection. Library sockets (<see cref="NetCtrl"/>
    /// on this adapter) run through the same engine, workers and events as on
    /// <see cref="SocketAdapter"/>; only the wire is simulated. The adapter's own host is
    /// <see cref="LocalAddress"/>; test code plays the rest of the network from
    /// <see cref="PeerAddress"/> (or any address it listens on) with a small blocking API:
    /// <see cref="Listen(int)"/> returns a <see cref="SimListener"/> to accept <see cref="SimPeer"/>
    /// streams from, <see cref="Connect(int)"/> connects a <see cref="SimPeer"/> to a library
    /// listener, <see cref="BindUdp(int)"/> returns a <see cref="SimUdpPeer"/>. Library tasks on
    /// the same adapter can also connect to each other (to <see cref="LocalAddress"/> or 127.0.0.1).
    /// Streams are ordered, with finite windows: a writer takes only what fits in the reader's
    /// window, so a reader that stops reading stalls the writer. Faults: a connect to a port
    /// nothing listens on is refused; to a <see cref="SetBlackHole"/> address it is never
    /// answered; <see cref="SimListener.ResetAfterBytes"/> resets a stream mid-way and
    /// <see cref="SimPeer.Reset"/> at once; <see cref="SegmentDelayMs"/> delays every segment;
    /// <see cref="DatagramDropRatio"/> loses datagrams (the same ones for the same seed);
    /// <see cref="SetLinkUp"/> takes the link down and up; <see cref="DnsDelayMs"/> and
    /// <see cref="DnsFailing"/> make name lookups slow or fail (names resolve through
    /// <see cref="AddHost"/> only: no real DNS). It uses no System.Net and no thread of its own.
    /// </summary>
    public sealed class SimulatedAdapter : NetAdapter
    {
        /// <summary>The address of the adapter's own host (its netcs listen and connect from here).</summary>
        public const string LocalAddress = "10.0.0.2";

        /// <summary>The address test-side peers use by default (<see cref="Listen(int)"/>, <see cref="BindUdp(int)"/>).</summary>
        public const string PeerAddress = "10.0.0.1";

        internal readonly object Sync = new object();
        internal readonly AutoResetEvent Activity = new AutoResetEvent(false);
        internal readonly byte[] LocalBytes = new byte[16];
        internal readonly byte[] PeerBytes = new byte[16];

        private readonly ArrayList _bindings = new ArrayList();
        private readonly ArrayList _hosts = new ArrayList();
        private readonly ArrayList _blackHoles = new ArrayList();
        private readonly Random _random;
        private readonly byte[] _loopback = new byte[16];
        private bool _linkUp = true;
        private int _nextPort = 49152;
        private int _datagramsDelivered;
        private int _datagramsLost;
        private int _datagramsOverflowed;
        private int _datagramsUnrouted;

        /// <summary>A simulated network whose random faults (datagram loss) follow seed 1.</summary>
        public SimulatedAdapter()
            : this(1)
        {
        }

        /// <summary>A simulated network whose random faults follow <paramref name="seed"/> (same seed, same datagrams lost).</summary>
        /// <param name="seed">Seed of the network's <see cref="Random"/>.</param>
        public SimulatedAdapter(int seed)
        {
            _random = new Random(seed);
            IpText.Parse(LocalAddress, LocalBytes);
            IpText.Parse(PeerAddress, PeerBytes);
            IpText.Parse("127.0.0.1", _loopback);
            ReceiveWindow = 4096;
            DatagramQueueBytes = 8192;
        }

        /// <inheritdoc/>
        public override string Name { get { return "sim"; } }

        /// <inheritdoc/>
        public override bool IsLinkUp { get { lock (Sync) { return _linkUp; } } }

        /// <summary>
        /// Receive window of every stream toward a library socket, and default window of a test
        /// peer (bytes, default 4096; applies to connections made afterwards).
        /// </summary>
        public int ReceiveWindow { get; set; }

        /// <summary>Every stream segment becomes readable this many ms after it was written (default 0; connections made afterwards).</summary>
        public int SegmentDelayMs { get; set; }

        /// <summary>Share of datagrams lost on the way, 0 (default) to 1; which ones depends only on the seed and the order of sends.</summary>
        public double DatagramDropRatio { get; set; }

        /// <summary>Receive queue of each UDP port in bytes (default 8192; a datagram costs 21 bytes besides its payload).</summary>
        public int DatagramQueueBytes { get; set; }

        /// <summary>Name lookups block the connect worker this long (ms, default 0); a close or the connect's deadline interrupts them.</summary>
        public int DnsDelayMs { get; set; }

        /// <summary>When true every name lookup fails (<see cref="NetError.HostNotFound"/>); IP literals still work.</summary>
        public bool DnsFailing { get; set; }

        /// <summary>Datagrams delivered to a receive queue.</summary>
        public int DatagramsDelivered { get { lock (Sync) { return _datagramsDelivered; } } }

        /// <summary>Datagrams lost on purpose (<see cref="DatagramDropRatio"/>).</summary>
        public int DatagramsLost { get { lock (Sync) { return _datagramsLost; } } }

        /// <summary>Datagrams dropped because the receiver's queue was full.</summary>
        public int DatagramsOverflowed { get { lock (Sync) { return _datagramsOverflowed; } } }

        /// <summary>Datagrams sent to an address and port nothing was bound to (or to a black hole).</summary>
        public int DatagramsUnrouted { get { lock (Sync) { return _datagramsUnrouted; } } }

        /// <summary>
        /// Takes the link down or up. Down: every waiting <c>LibNet.WaitLink</c> gets a failed
        /// <see cref="SocketEvent.Link"/>, connects under way fail, open connections and listeners
        /// fail with <see cref="NetError.LinkDown"/>, new connects and listens fail. Up: waiting
        /// <c>WaitLink</c> calls return true.
        /// </summary>
        /// <param name="up">The new state.</param>
        public void SetLinkUp(bool up)
        {
            lock (Sync)
            {
                _linkUp = up;
            }

            OnLinkChanged(up);
            Activity.Set();
        }

        /// <summary>Adds (or replaces) a name in the network's DNS table.</summary>
        /// <param name="name">The host name.</param>
        /// <param name="address">Its IP literal.</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP literal.</exception>
        public void AddHost(string name, string address)
        {
            if (name == null)
            {
                throw new ArgumentNullException("name");
            }

            ParseAddress(address);
            lock (Sync)
            {
                for (int i = 0; i < _hosts.Count; i += 2)
                {
                    if ((string)_hosts[i] == name)
                    {
                        _hosts[i + 1] = address;
                        return;
                    }
                }

                _hosts.Add(name);
                _hosts.Add(address);
            }
        }

        /// <summary>Makes an address a black hole (connects to it are never answered, datagrams vanish) or a normal address again.</summary>
        /// <param name="address">An IP literal.</param>
        /// <param name="on">True to swallow everything sent there.</param>
        /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP literal.</exception>
        public void SetBlackHole(string address, bool on)
        {
            byte[] a = ParseAddress(address);
            lock (Sync)
            {
                for (int i = 0; i < _blackHoles.Count; i++)
                {
                    if (SameAddress((byte[])_blackHoles[i], a))
                    {
                        if (!on)
                        {
                            _blackHoles.RemoveAt(i);
                        }

                        return;
                    }
                }

                if (on)
                {
                    _blackHoles.Add(a);
                }
            }
        }

        /// <summary>A test-side TCP listener on <see cref="PeerAddress"/>:<paramref name="port"/>.</summary>
        /// <param name="port">1 to 65535.</param>
        /// <returns>The listener.</returns>
        /// <exception cref="InvalidOperationException">The port is in use.</exception>
        public SimListener Listen(int port)
        {
            return Listen(PeerAddress, port);
        }

        /// <summary>A test-side TCP listener on <paramref name="address"/>:<paramref name="port"/>.</summary>
        /// <param name="address">An IP literal (any: the network has no routes).</param>
        /// <param name="port">1 to 65535.</param>
        /// <returns>The listener.</returns>
        /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP literal.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad port.</exception>
        /// <exception cref="InvalidOperationException">The port is in use.</exception>
        public SimListener Listen(string address, int port)
        {
            CheckPort(port);
            byte[] a = ParseAddress(address);
            SimListener l = new SimListener(this, port);
            lock (Sync)
            {
                l.Binding = AddBinding(a, Length(address), port, false, l, l.Signal);
                if (l.Binding == null)
                {
                    throw new InvalidOperationException("port " + port + " is in use on " + address);
                }
            }

            return l;
        }

        /// <summary>
        /// Connects a test-side peer from <see cref="PeerAddress"/> to a library listener on
        /// <see cref="LocalAddress"/>:<paramref name="port"/>. Never blocks: the client is queued
        /// for the listener (its <c>LibNet.Listen</c> returns) or refused.
        /// </summary>
        /// <param name="port">The library listener's port.</param>
        /// <returns>The connected peer, or null when refused (nothing listens, backlog full, link down).</returns>
        public SimPeer Connect(int port)
        {
            CheckPort(port);
            AutoResetEvent signal = new AutoResetEvent(false);
            lock (Sync)
            {
                SimPipe toPeer;
                SimPipe fromPeer;
                int from = NextPort();
                if (!_linkUp || OpenStream(LocalBytes, 4, port, signal, PeerBytes, 4, from, out toPeer, out fromPeer) != NetError.None)
                {
                    return null;
                }

                return new SimPeer(this, toPeer, fromPeer, signal);
            }
        }

        /// <summary>A test-side UDP port on <see cref="PeerAddress"/>:<paramref name="port"/>.</summary>
        /// <param name="port">1 to 65535.</param>
        /// <returns>The UDP peer.</returns>
        /// <exception cref="InvalidOperationException">The port is in use.</exception>
        public SimUdpPeer BindUdp(int port)
        {
            CheckPort(port);
            SimUdpPeer p = new SimUdpPeer(this, port);
            lock (Sync)
            {
                p.Binding = AddBinding(PeerBytes, 4, port, true, p, p.Signal);
                if (p.Binding == null)
                {
                    throw new InvalidOperationException("UDP port " + port + " is in use");
                }
            }

            return p;
        }

        // ---- NetAdapter -----------------------------------------------------------------------

        internal override Transport NewTransport(NetCtrl netc)
        {
            return new SimTransport(this, netc.IsUdp);
        }

        internal override int MapError(Exception ex)
        {
            NetFailure f = ex as NetFailure;
            if (f != null)
            {
                return f.Code;
            }

            return ex is ObjectDisposedException ? NetError.Aborted : NetError.Failed;
        }

        internal override void Wake()
        {
            Activity.Set();
        }

        internal override void WaitForActivity(Transport[] sockets, int count, int timeoutMs)
        {
            long due;
            if (ComputeReady(sockets, count, out due) || timeoutMs == 0)
            {
                return;
            }

            int wait = timeoutMs;
            if (due != long.MaxValue)
            {
                long ms = (due - NowTicks) / 10000 + 1;
                if (ms < wait)
                {
                    wait = ms < 1 ? 1 : (int)ms;
                }
            }

            Activity.WaitOne(wait, false);
            ComputeReady(sockets, count, out due);
        }

        private bool ComputeReady(Transport[] sockets, int count, out long due)
        {
            bool any = false;
            due = long.MaxValue;
            long now = NowTicks;
            lock (Sync)
            {
                for (int i = 0; i < count; i++)
                {
                    SimTransport t = (SimTransport)sockets[i];
                    int ready = t.ReadyNow(now, ref due);
                    t.Ready = ready;
                    any |= ready != 0;
                }
            }

            return any;
        }

        // ---- the network (all under Sync) ------------------------------------------------------

        internal static long NowTicks { get { return DateTime.UtcNow.Ticks; } }

        internal bool LinkUpLocked { get { return _linkUp; } }

        internal int NextPort()
        {
            int p = _nextPort++;
            if (_nextPort > 65535)
            {
                _nextPort = 49152;
            }

            return p;
        }

        internal SimBinding FindBinding(byte[] address, int length, int port, bool udp)
        {
            for (int i = 0; i < _bindings.Count; i++)
            {
                SimBinding b = (SimBinding)_bindings[i];
                if (b.Matches(address, length, port, udp))
                {
                    return b;
                }
            }

            return null;
        }

        /// <summary>Binds an address and port; null when it is taken.</summary>
        internal SimBinding AddBinding(byte[] address, int length, int port, bool udp, object owner, AutoResetEvent signal)
        {
            if (FindBinding(address, length, port, udp) != null)
            {
                return null;
            }

            SimBinding b = new SimBinding(address, length, port, udp, owner, signal, DatagramQueueBytes);
            _bindings.Add(b);
            return b;
        }

        internal void RemoveBinding(SimBinding b)
        {
            _bindings.Remove(b);
        }

        internal bool IsBlackHole(byte[] address, int length)
        {
            for (int i = 0; i < _blackHoles.Count; i++)
            {
                byte[] h = (byte[])_blackHoles[i];
                bool same = true;
                for (int k = 0; k < length; k++)
                {
                    if (h[k] != address[k])
                    {
                        same = false;
                        break;
                    }
                }

                if (same)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Maps 127.0.0.1 to the adapter's own address (so library tasks reach each other either way).</summary>
        internal void Normalize(byte[] address, int length)
        {
            if (length == 4 && address[0] == 127 && address[1] == 0 && address[2] == 0 && address[3] == 1)
            {
                for (int i = 0; i < 4; i++)
                {
                    address[i] = LocalBytes[i];
                }
            }
        }

        /// <summary>
        /// Worker thread: an IP literal as is; a name through the DNS table, after
        /// <see cref="DnsDelayMs"/> (cut short when <paramref name="cancel"/> is set).
        /// Returns the address length; throws <see cref="NetFailure"/>.
        /// </summary>
        internal int Resolve(string host, byte[] address, WaitHandle cancel)
        {
            int length = IpText.Parse(host, address);
            if (length != 0)
            {
                Normalize(address, length);
                return length;
            }

            int delay = DnsDelayMs;
            if (delay > 0 && cancel.WaitOne(delay, false))
            {
                throw new NetFailure(NetError.Aborted, "closed during the name lookup of '" + host + "'");
            }

            string ip = null;
            lock (Sync)
            {
                for (int i = 0; i < _hosts.Count; i += 2)
                {
                    if ((string)_hosts[i] == host)
                    {
                        ip = (string)_hosts[i + 1];
                    }
                }
            }

            if (DnsFailing || ip == null)
            {
                throw new NetFailure(NetError.HostNotFound, "host '" + host + "' did not resolve");
            }

            length = IpText.Parse(ip, address);
            Normalize(address, length);
            return length;
        }

        /// <summary>
        /// Opens a stream to a bound TCP port. The client's ends are returned; the server's end is
        /// queued at the listener (or, for an echo listener, the client reads what it writes).
        /// Returns 0, or <see cref="NetError.Refused"/> when nothing listens or its backlog is full.
        /// </summary>
        internal int OpenStream(byte[] to, int toLength, int toPort, AutoResetEvent clientSignal, byte[] from, int fromLength, int fromPort, out SimPipe clientIn, out SimPipe clientOut)
        {
            clientIn = null;
            clientOut = null;
            SimBinding b = FindBinding(to, toLength, toPort, false);
            if (b == null)
            {
                return NetError.Refused;
            }

            int delay = SegmentDelayMs;
            SimListener test = b.Owner as SimListener;
            if (test != null)
            {
                if (test.Echo)
                {
                    SimPipe loop = new SimPipe(test.ReceiveWindow, delay);
                    loop.ResetAfter = test.ResetAfterBytes;
                    loop.ReaderSignal = clientSignal;
                    loop.WriterSignal = clientSignal;
                    clientIn = loop;
                    clientOut = loop;
                    test.CountEcho();
                    return NetError.None;
                }

                SimPipe up = NewPipe(test.ReceiveWindow, delay, null, clientSignal);
                SimPipe down = NewPipe(ReceiveWindow, delay, clientSignal, null);
                up.ResetAfter = test.ResetAfterBytes;
                if (!test.Offer(up, down))
                {
                    return NetError.Refused;
                }

                clientIn = down;
                clientOut = up;
                return NetError.None;
            }

            SimTransport listener = (SimTransport)b.Owner;
            SimPipe c2s = NewPipe(ReceiveWindow, delay, Activity, clientSignal);
            SimPipe s2c = NewPipe(ReceiveWindow, delay, clientSignal, Activity);
            if (!listener.Offer(c2s, s2c, from, fromLength, fromPort))
            {
                return NetError.Refused;
            }

            clientIn = s2c;
            clientOut = c2s;
            return NetError.None;
        }

        private static SimPipe NewPipe(int window, int delay, AutoResetEvent reader, AutoResetEvent writer)
        {
            SimPipe p = new SimPipe(window, delay);
            p.ReaderSignal = reader;
            p.WriterSignal = writer;
            return p;
        }

        /// <summary>Routes one datagram: lost by the drop ratio, unrouted, overflowed, or queued at its port.</summary>
        internal void Deliver(byte[] data, int offset, int count, byte[] from, int fromLength, int fromPort, byte[] to, int toLength, int toPort)
        {
            if (DatagramDropRatio > 0 && _random.NextDouble() < DatagramDropRatio)
            {
                _datagramsLost++;
                return;
            }

            Normalize(to, toLength);
            SimBinding b = IsBlackHole(to, toLength) ? null : FindBinding(to, toLength, toPort, true);
            if (b == null)
            {
                _datagramsUnrouted++;
                return;
            }

            if (!b.Datagrams.Put(data, offset, count, from, fromLength, fromPort))
            {
                _datagramsOverflowed++;
                return;
            }

            _datagramsDelivered++;
            if (b.Signal != null)
            {
                b.Signal.Set();
            }
        }

        internal void Opened()
        {
            HandleOpened();
        }

        internal void Closed()
        {
            HandleClosed();
        }

        private static void CheckPort(int port)
        {
            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException("port", "port must be 1 to 65535");
            }
        }

        private static byte[] ParseAddress(string address)
        {
            if (address == null)
            {
                throw new ArgumentNullException("address");
            }

            byte[] a = new byte[16];
            if (IpText.Parse(address, a) == 0)
            {
                throw new ArgumentException("not an IP literal: '" + address + "'", "address");
            }

            return a;
        }

        private static int Length(string address)
        {
            return address.IndexOf(':') >= 0 ? 16 : 4;
        }

        private static bool SameAddress(byte[] a, byte[] b)
        {
            for (int i = 0; i < 16; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
