using System;
using System.Collections;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// The adapter over System.Net sockets: nanoFramework on the device, and desktop .NET (whose
    /// System.Net.Sockets is a superset of nano's, so the same code runs in both places).
    /// The engine waits for its sockets in one of two ways, the only place the platforms differ:
    /// on the device, which has no <c>Socket.Select</c>, a sweep of <c>Poll(0, ...)</c> over the
    /// sockets, then a sleep on a wake-up event that lengthens while idle (<see cref="IdlePollMs"/>);
    /// on desktop .NET, one <c>Socket.Select</c> over all of them plus a loopback wake-up socket.
    /// The link is the interfaces' IPv4 addresses, watched through <c>NetworkChange</c>.
    /// </summary>
    public sealed class SocketAdapter : NetAdapter
    {
        private readonly bool _sweep;
        private readonly AutoResetEvent _kick = new AutoResetEvent(false);
        private readonly ArrayList _read = new ArrayList();
        private readonly ArrayList _write = new ArrayList();
        private readonly ArrayList _error = new ArrayList();
        private readonly byte[] _wakeByte = new byte[1];
        private readonly byte[] _drain = new byte[64];
        private Socket _wake;
        private int _wakePending;
        private int _sleepMs = 1;
        private int _pollSliceMs = 50;
        private int _maxPollSliceMs = 500;

        // Desktop: how long a LibNet.Tx waiting for room polls its socket before it looks at its mailbox.
        private const int DesktopWritePollMs = 50;
        private int _firstPollUs = 1000;
        private int _linkState = -1;
        private string _bindAddress;
        private IPAddress _bind;

        /// <summary>
        /// A socket adapter. On desktop .NET its engine uses <c>Socket.Select</c>; on the device
        /// it sweeps with <c>Poll</c>.
        /// </summary>
        public SocketAdapter()
#if NANOFRAMEWORK_1_0
            : this(true)
#else
            : this(false)
#endif
        {
        }

        /// <summary>
        /// A socket adapter whose engine sweeps its sockets with <c>Poll(0, ...)</c> and sleeps
        /// between sweeps, as on the device (<paramref name="pollSweep"/> true), or waits in
        /// <c>Socket.Select</c> (false; desktop .NET only). Tests use the sweep on the host to run
        /// the device's engine path.
        /// </summary>
        /// <param name="pollSweep">True for the device's Poll sweep.</param>
        public SocketAdapter(bool pollSweep)
        {
            _sweep = pollSweep;
            IdlePollMs = 100;
            TlsAcceptTimeout = 10000;
            CountLoopback = true;
        }

        /// <inheritdoc/>
        public override string Name { get { return _sweep ? "socket(poll)" : "socket(select)"; } }

        /// <summary>
        /// Poll sweep only (the device): the first slice a task blocked in <c>LibNet.Wait</c>,
        /// <c>Listen</c> or <c>Tx</c> polls its own socket natively before it looks at its mailbox
        /// again (ms, default 50); while nothing comes the slices double, up to
        /// <see cref="MaxPollSliceMs"/>. Data, a client or room to send wakes such a task at once;
        /// a message from another thread (<c>SysPlus.SendMsg</c>, an event of another netc of the
        /// task) is seen at the latest one slice after it came. Shorter: messages sooner, more
        /// wake-ups while idle (one per slice per waiting task).
        /// </summary>
        public int PollSliceMs
        {
            get
            {
                return _pollSliceMs;
            }

            set
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException("value", "the poll slice must be 1 ms or more");
                }

                _pollSliceMs = value;
            }
        }

        /// <summary>
        /// Select engine only (desktop .NET): how long a task in <c>LibNet.Wait</c> first polls its own
        /// socket natively before it waits for the engine's event (microseconds, default 1000; 0 =
        /// never). A reply that comes within it (the usual request/response) is read on the task's
        /// thread with no hand-off from the engine; a message from another thread is seen at the
        /// latest this long after it came.
        /// </summary>
        public int FirstPollMicros
        {
            get
            {
                return _firstPollUs;
            }

            set
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException("value", "the first poll must be 0 (none) or more microseconds");
                }

                _firstPollUs = value;
            }
        }

        /// <inheritdoc/>
        internal override int CallerPollSliceMs { get { return _sweep ? _pollSliceMs : 0; } }

        /// <inheritdoc/>
        internal override int CallerWritePollMs { get { return _sweep ? _pollSliceMs : DesktopWritePollMs; } }

        /// <inheritdoc/>
        internal override int CallerMaxPollSliceMs { get { return _maxPollSliceMs < _pollSliceMs ? _pollSliceMs : _maxPollSliceMs; } }

        /// <inheritdoc/>
        internal override int CallerFirstPollMicros { get { return _sweep ? 0 : _firstPollUs; } }

        /// <summary>
        /// Poll sweep only (the device): the longest sleep between the engine's sweeps when nothing
        /// happens (ms, default 100). It starts at 1 ms after any activity and doubles while idle:
        /// the worst-case delay before a socket no task waits on (a socket-layer netc, a callback
        /// netc) notices new data, traded against the CPU an idle sweep costs. A task blocked in a
        /// LibNet call polls its own socket and sees data at once, whatever this says; with no
        /// socket to watch the engine sleeps until it is asked for something.
        /// </summary>
        public int IdlePollMs { get; set; }

        /// <summary>
        /// Poll sweep only (the device): the longest slice a task blocked in a LibNet call polls its
        /// own socket natively before it looks at its mailbox (ms, default 500). Slices start at
        /// <see cref="PollSliceMs"/> and double while nothing comes, up to this: after a long idle,
        /// a message from another thread is seen at the latest this long after it came, and a
        /// waiting task costs one wake-up per slice.
        /// </summary>
        public int MaxPollSliceMs
        {
            get
            {
                return _maxPollSliceMs;
            }

            set
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException("value", "the poll slice must be 1 ms or more");
                }

                _maxPollSliceMs = value;
            }
        }

        /// <summary>
        /// Whether a loopback address counts as a link (default true, so tests and demos on a
        /// machine with no network work). On the device there is no loopback interface to count.
        /// </summary>
        public bool CountLoopback { get; set; }

        /// <summary>
        /// Local address listeners (and clients with a local port) bind to, as an IP literal;
        /// null (default) = any. Tests set "127.0.0.1" so nothing listens beyond the machine.
        /// </summary>
        public string BindAddress
        {
            get
            {
                return _bindAddress;
            }

            set
            {
                _bind = value == null ? null : IPAddress.Parse(value);
                _bindAddress = value;
            }
        }

        /// <summary>
        /// Resolves host names for connects; null (default) = <c>Dns.GetHostEntry</c>. It runs on
        /// a connect worker, inside the connect's deadline: a resolver that hangs holds that worker
        /// (not the task) until it returns; the connect has failed with a timeout by then.
        /// </summary>
        public HostResolver Resolver { get; set; }

        /// <summary>
        /// TLS listeners: the longest an accepted client may take for its handshake (ms, default
        /// 10000). The handshake runs on a connect worker before the client reaches the accept
        /// queue; at this deadline its socket is closed, the client is dropped and counted in
        /// <see cref="NetCtrl.AcceptFailures"/>. A worker is busy meanwhile (there are two per
        /// adapter), so a short value limits what silent clients can hold up.
        /// </summary>
        public int TlsAcceptTimeout { get; set; }

        /// <inheritdoc/>
        public override bool IsLinkUp
        {
            get
            {
                if (_linkState < 0)
                {
                    _linkState = ReadLink() ? 1 : 0;
                }

                return _linkState == 1;
            }
        }

        /// <summary>"::" built from bytes: nano's IPAddress has no IPv6Any field.</summary>
        internal static readonly IPAddress IPv6Any = new IPAddress(new byte[16]);

        internal IPAddress ListenAddress()
        {
            return _bind != null ? _bind : IPAddress.Any;
        }

        internal IPAddress BindAddressFor(AddressFamily family)
        {
            if (_bind != null && _bind.AddressFamily == family)
            {
                return _bind;
            }

            return family == AddressFamily.InterNetworkV6 ? SocketAdapter.IPv6Any : IPAddress.Any;
        }

        /// <summary>Worker thread: an IP literal as is, a name through the resolver or DNS.</summary>
        internal IPAddress Resolve(string host)
        {
            byte[] scratch = new byte[16];
            if (IpText.Parse(host, scratch) != 0)
            {
                return IPAddress.Parse(host.Length > 1 && host[0] == '[' ? host.Substring(1, host.Length - 2) : host);
            }

            HostResolver resolver = Resolver;
            if (resolver != null)
            {
                string ip = resolver(host);
                if (ip == null || IpText.Parse(ip, scratch) == 0)
                {
                    throw new NetFailure(NetError.HostNotFound, "host '" + host + "' did not resolve");
                }

                return IPAddress.Parse(ip);
            }

            IPHostEntry entry;
            try
            {
                entry = Dns.GetHostEntry(host);
            }
            catch (SocketException se)
            {
                throw new NetFailure(NetError.HostNotFound, "host '" + host + "' did not resolve: " + SocketErrors.Describe(SocketErrors.CodeOf(se), null));
            }

            IPAddress[] list = entry.AddressList;
            if (list == null || list.Length == 0)
            {
                throw new NetFailure(NetError.HostNotFound, "host '" + host + "' has no address");
            }

            for (int i = 0; i < list.Length; i++)
            {
                if (list[i].AddressFamily == AddressFamily.InterNetwork)
                {
                    return list[i];
                }
            }

            return list[0];
        }

        internal static void MakeNonBlocking(Socket s)
        {
#if !NANOFRAMEWORK_1_0
            s.Blocking = false;
#endif
        }

        /// <summary>
        /// Keepalive on, with its timing where the platform has per-socket options: desktop .NET
        /// (Linux, Windows, macOS) sets idle, interval and count in seconds. nanoFramework's socket
        /// options have no keepalive timing: there only keepalive on/off applies, and lwIP's
        /// compiled-in defaults (TCP_KEEPIDLE_DEFAULT etc.) set the timing.
        /// </summary>
        internal void ApplyKeepAlive(Socket s, int idle, int interval, int count)
        {
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
#if !NANOFRAMEWORK_1_0
            // The device's socket options have no per-socket keepalive timing: lwIP's defaults apply there.
            s.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, idle);
            if (interval > 0)
            {
                s.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, interval);
            }

            if (count > 0)
            {
                s.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, count);
            }
#endif
        }

        internal override Transport NewTransport(NetCtrl netc)
        {
            return new SocketTransport(this, netc.IsUdp);
        }

        internal override int MapError(Exception ex)
        {
            return SocketErrors.Map(ex);
        }

        internal override void EngineStarted()
        {
            // Changes while no engine ran were not watched: read the link afresh.
            _linkState = -1;
            NetworkChange.NetworkAvailabilityChanged += OnAvailabilityChanged;
            NetworkChange.NetworkAddressChanged += OnAddressChanged;
            if (!_sweep)
            {
                Socket w = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                w.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                MakeNonBlocking(w);

                // Connected to itself so a wake-up is a plain Send: SendTo(EndPoint) serializes the
                // end point on every call, an allocation per Tx on the hot path.
                w.Connect(w.LocalEndPoint);
                _wake = w;
                _wakePending = 0;
            }
        }

        internal override void EngineStopped()
        {
            NetworkChange.NetworkAvailabilityChanged -= OnAvailabilityChanged;
            NetworkChange.NetworkAddressChanged -= OnAddressChanged;
            Socket w = _wake;
            _wake = null;
            if (w != null)
            {
                w.Close();
            }

            _read.Clear();
            _write.Clear();
            _error.Clear();
        }

        internal override void Wake()
        {
            if (_sweep)
            {
                _kick.Set();
                return;
            }

            Socket w = _wake;
            if (w != null && Interlocked.CompareExchange(ref _wakePending, 1, 0) == 0)
            {
                try
                {
                    w.Send(_wakeByte, 0, 1, SocketFlags.None);
                }
                catch (Exception)
                {
                    // The engine stopped meanwhile: there is nothing left to wake.
                }
            }
        }

        internal override void WaitForActivity(Transport[] sockets, int count, int timeoutMs)
        {
            if (_sweep)
            {
                WaitBySweep(sockets, count, timeoutMs);
            }
            else
            {
                WaitBySelect(sockets, count, timeoutMs);
            }
        }

        private void WaitBySweep(Transport[] sockets, int count, int timeoutMs)
        {
            if (Sweep(sockets, count) || timeoutMs == 0)
            {
                _sleepMs = 1;
                return;
            }

            if (count == 0)
            {
                // Nothing to watch (no socket, or every one polled by the task waiting on it):
                // sleep until someone asks for something.
                _kick.WaitOne(timeoutMs, false);
                return;
            }

            // Sleep, then return without sweeping: the engine's next turn starts with a sweep (it
            // must, its requests may have changed what to watch), so a sweep here as well would
            // poll every idle socket twice per sleep, doubling the idle cost on the device.
            int sleep = _sleepMs < timeoutMs ? _sleepMs : timeoutMs;
            _kick.WaitOne(sleep, false);
            if (_sleepMs < IdlePollMs)
            {
                _sleepMs = _sleepMs * 2 > IdlePollMs ? IdlePollMs : _sleepMs * 2;
            }
        }

        private static bool Sweep(Transport[] sockets, int count)
        {
            bool any = false;
            for (int i = 0; i < count; i++)
            {
                SocketTransport t = (SocketTransport)sockets[i];
                Socket s = t.Socket;
                if (s == null)
                {
                    continue;
                }

                int ready = 0;
                if ((t.Interest & Transport.ReadyRead) != 0 && s.Poll(0, SelectMode.SelectRead))
                {
                    ready |= Transport.ReadyRead;
                }

                if ((t.Interest & Transport.ReadyWrite) != 0 && s.Poll(0, SelectMode.SelectWrite))
                {
                    ready |= Transport.ReadyWrite;
                }

                // A failed socket (reset, error) polls readable, so with read interest the read
                // poll sees it too (lwIP raises RCVPLUS with ERROR); ask for errors only when it
                // is not asked (a full receive ring): one native poll per idle socket, not two.
                if (ready == 0 && (t.Interest & Transport.ReadyRead) == 0 && s.Poll(0, SelectMode.SelectError))
                {
                    ready = Transport.ReadyError;
                }

                t.Ready = ready;
                any |= ready != 0;
            }

            return any;
        }

        private void WaitBySelect(Transport[] sockets, int count, int timeoutMs)
        {
#if NANOFRAMEWORK_1_0
            throw new NotSupportedException("nanoFramework has no Socket.Select");
#else
            _read.Clear();
            _write.Clear();
            _error.Clear();
            _read.Add(_wake);
            for (int i = 0; i < count; i++)
            {
                SocketTransport t = (SocketTransport)sockets[i];
                Socket s = t.Socket;
                if (s == null)
                {
                    continue;
                }

                if ((t.Interest & Transport.ReadyRead) != 0)
                {
                    _read.Add(s);
                }

                if ((t.Interest & Transport.ReadyWrite) != 0)
                {
                    _write.Add(s);
                }

                _error.Add(s);
            }

            Socket.Select(_read, _write.Count > 0 ? _write : null, _error.Count > 0 ? _error : null, timeoutMs < 0 ? -1 : timeoutMs * 1000);

            // Select keeps the ready sockets in the order they were given: one merge walk maps them back.
            int r = 0;
            if (_read.Count > 0 && _read[0] == _wake)
            {
                r = 1;

                // Drain first, then clear: a Wake() between the two finds the flag still set and
                // sends nothing, which is fine (its request bit is read at the engine's next turn).
                // Cleared first, that Wake's datagram could be drained here while the flag stayed
                // set, and every later Wake() would send nothing: the engine would then notice
                // requests only at its 1 s idle timeout.
                DrainWake();
                Interlocked.Exchange(ref _wakePending, 0);
            }

            int w = 0;
            int e = 0;
            for (int i = 0; i < count; i++)
            {
                SocketTransport t = (SocketTransport)sockets[i];
                Socket s = t.Socket;
                if (s == null)
                {
                    continue;
                }

                int ready = 0;
                if ((t.Interest & Transport.ReadyRead) != 0 && r < _read.Count && _read[r] == s)
                {
                    ready |= Transport.ReadyRead;
                    r++;
                }

                if ((t.Interest & Transport.ReadyWrite) != 0 && w < _write.Count && _write[w] == s)
                {
                    ready |= Transport.ReadyWrite;
                    w++;
                }

                if (e < _error.Count && _error[e] == s)
                {
                    ready |= Transport.ReadyError;
                    e++;
                }

                t.Ready = ready;
            }
#endif
        }

        private void DrainWake()
        {
            Socket w = _wake;
            try
            {
                while (w.Available > 0)
                {
                    w.Receive(_drain, 0, _drain.Length, SocketFlags.None);
                }
            }
            catch (SocketException)
            {
                // Nothing left to drain.
            }
        }

        private void OnAvailabilityChanged(object sender, NetworkAvailabilityEventArgs e)
        {
            LinkMaybeChanged();
        }

        private void OnAddressChanged(object sender, EventArgs e)
        {
            LinkMaybeChanged();
        }

        private void LinkMaybeChanged()
        {
            int now = ReadLink() ? 1 : 0;
            int was = Interlocked.Exchange(ref _linkState, now);
            if (was != now)
            {
                OnLinkChanged(now == 1);
            }
        }

        private bool ReadLink()
        {
            NetworkInterface[] all = NetworkInterface.GetAllNetworkInterfaces();
            for (int i = 0; i < all.Length; i++)
            {
#if NANOFRAMEWORK_1_0
                string ip = all[i].IPv4Address;
                if (ip != null && ip.Length > 0 && ip != "0.0.0.0")
                {
                    return true;
                }
#else
                if (!CountLoopback && all[i].NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                if (all[i].OperationalStatus == OperationalStatus.Down)
                {
                    continue;
                }

                UnicastIPAddressInformationCollection addrs = all[i].GetIPProperties().UnicastAddresses;
                for (int k = 0; k < addrs.Count; k++)
                {
                    if (addrs[k].Address.AddressFamily == AddressFamily.InterNetwork)
                    {
                        return true;
                    }
                }
#endif
            }

            return false;
        }
    }
}
