using System;

namespace NanoLibNet
{
    /// <summary>
    /// A socket of the asynchronous socket layer (LuatOS <c>socket</c> "netc"): TCP, UDP or TLS,
    /// client or server. This file is the caller's side (lwIP <c>api_lib.c</c>): every call
    /// returns at once; completions arrive later as <see cref="SocketEvent"/> messages in the
    /// owning task's mailbox (or at its callback), raised by the adapter's engine thread
    /// (NetCtrl.Core.cs). The LuatOS pattern holds: the <c>bool</c> result is "succ" (false =
    /// failed: look at <see cref="LastError"/>, close it); the <c>out bool</c> is "already done"
    /// (false = wait for the event). Receive and send buffers are fixed rings allocated at
    /// <see cref="Config(int, bool, bool, int, int, int, string, string, string, string, int, int)"/>
    /// or first use; no call allocates in steady state.
    /// </summary>
    public sealed partial class NetCtrl : IDisposable
    {
        /// <summary>Default receive and send ring size: 1536 bytes each (about one Ethernet frame).</summary>
        public const int DefaultBufferSize = 1536;

        /// <summary>Smallest ring size <c>Config</c> accepts.</summary>
        public const int MinBufferSize = 64;

        /// <summary>Largest ring size <c>Config</c> accepts.</summary>
        public const int MaxBufferSize = 65535;

        /// <summary>Clients a listening netc holds until they are accepted; more are closed and counted.</summary>
        public const int AcceptBacklog = 4;

        /// <summary>Bytes a datagram takes in a ring besides its payload (length, port, address).</summary>
        internal const int DatagramHeader = 2 + 2 + 1 + 16;

        internal readonly object Sync = new object();
        private readonly NetAdapter _adapter;
        private readonly SocketEngine _engine;
        private TaskContext _owner;
        private readonly MessageHandler _callback;

        private NetCtrlState _state;
        internal Transport Transport;
        private ByteRing _rx;
        private ByteRing _tx;

        private int _localPort;
        private bool _udp;
        private bool _tls;
        private int _keepIdle;
        private int _keepInterval;
        private int _keepCount;
        private string _serverCert;
        private string _clientCert;
        private string _clientKey;
        private string _clientPassword;
        private int _rxSize = DefaultBufferSize;
        private int _txSize = DefaultBufferSize;

        private string _host;
        private int _port;
        private readonly byte[] _txAddress = new byte[16];

        private int _lastError;
        private string _lastErrorMessage;

        private NetCtrl(NetAdapter adapter, TaskContext owner, MessageHandler callback)
        {
            _adapter = adapter;
            _engine = adapter.Engine;
            _owner = owner;
            _callback = callback;
            _state = NetCtrlState.Idle;
        }

        /// <summary>A new netc on the default adapter whose events go to <paramref name="taskName"/>'s mailbox.</summary>
        /// <param name="taskName">The owning task (must be running).</param>
        /// <returns>The netc.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        /// <exception cref="InvalidOperationException">No task has that name.</exception>
        public static NetCtrl Create(string taskName)
        {
            return Create(NetAdapter.Default, taskName);
        }

        /// <summary>A new netc on <paramref name="adapter"/> whose events go to <paramref name="taskName"/>'s mailbox (LuatOS <c>socket.create(adapter, taskName)</c>).</summary>
        /// <param name="adapter">The network to use.</param>
        /// <param name="taskName">The owning task (must be running).</param>
        /// <returns>The netc.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="adapter"/> or <paramref name="taskName"/> is null.</exception>
        /// <exception cref="InvalidOperationException">No task has that name.</exception>
        public static NetCtrl Create(NetAdapter adapter, string taskName)
        {
            if (adapter == null)
            {
                throw new ArgumentNullException("adapter");
            }

            TaskContext owner = RequireTask(taskName);
            NetCtrl netc = new NetCtrl(adapter, owner, null);

            // Registered first, owned second: the task's release of it (Unregister) always comes after.
            adapter.Engine.Register(netc);
            if (!owner.Own(netc))
            {
                // The task ended between the look-up and now: nobody would ever release the netc.
                adapter.Engine.Unregister(netc);
                throw new InvalidOperationException("task '" + taskName + "' has ended");
            }

            return netc;
        }

        /// <summary>
        /// A new netc on <paramref name="adapter"/> whose events go to <paramref name="callback"/>
        /// (LuatOS <c>socket.create(adapter, cb)</c>). The callback runs on the engine thread:
        /// keep it short, never block in it. Such a netc cannot be used with <see cref="LibNet"/>.
        /// </summary>
        /// <param name="adapter">The network to use.</param>
        /// <param name="callback">Gets every event of this netc.</param>
        /// <returns>The netc.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="adapter"/> or <paramref name="callback"/> is null.</exception>
        public static NetCtrl Create(NetAdapter adapter, MessageHandler callback)
        {
            if (adapter == null)
            {
                throw new ArgumentNullException("adapter");
            }

            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }

            NetCtrl netc = new NetCtrl(adapter, null, callback);
            adapter.Engine.Register(netc);
            return netc;
        }

        private static TaskContext RequireTask(string taskName)
        {
            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            TaskContext owner = SysPlus.Find(taskName);
            if (owner == null)
            {
                throw new InvalidOperationException("no task named '" + taskName + "' is running");
            }

            return owner;
        }

        /// <summary>The adapter this netc runs on.</summary>
        public NetAdapter Adapter { get { return _adapter; } }

        /// <summary>The owning task's name, or null for a callback netc.</summary>
        public string TaskName { get { TaskContext o = _owner; return o == null ? null : o.Name; } }

        /// <summary>Where the netc is in its life.</summary>
        public NetCtrlState State { get { return _state; } }

        /// <summary>The last failure as a <see cref="NetError"/> code (0 = none yet).</summary>
        public int LastError { get { return _lastError; } }

        /// <summary>The last failure in words (the platform's message), or null.</summary>
        public string LastErrorMessage { get { return _lastErrorMessage; } }

        /// <summary>True for a UDP netc.</summary>
        public bool IsUdp { get { return _udp; } }

        /// <summary>True when TLS is configured.</summary>
        public bool IsTls { get { return _tls; } }

        /// <summary>The configured local port (0 = any).</summary>
        public int LocalPort { get { return _localPort; } }

        /// <summary>Receive ring size in bytes.</summary>
        public int RxCapacity { get { return _rxSize; } }

        /// <summary>Send ring size in bytes.</summary>
        public int TxCapacity { get { return _txSize; } }

        /// <summary>Keepalive idle time in seconds (0 = off).</summary>
        public int KeepIdle { get { return _keepIdle; } }

        /// <summary>Keepalive probe interval in seconds.</summary>
        public int KeepInterval { get { return _keepInterval; } }

        /// <summary>Keepalive probes before the connection is dropped.</summary>
        public int KeepCount { get { return _keepCount; } }

        /// <summary>The server CA certificate (PEM) a TLS client verifies against, or null (the platform's trust store; see <see cref="TlsInsecureSkipVerify"/>); on a TLS listener, the CA client certificates must chain to (set = client certificate required).</summary>
        public string ServerCert { get { return _serverCert; } }

        /// <summary>The client certificate (PEM), or null; on a TLS listener, the server's own certificate.</summary>
        public string ClientCert { get { return _clientCert; } }

        /// <summary>The private key (PEM) of <see cref="ClientCert"/>, or null.</summary>
        public string ClientKey { get { return _clientKey; } }

        /// <summary>The password of <see cref="ClientKey"/>, or null.</summary>
        public string ClientPassword { get { return _clientPassword; } }

        /// <summary>The host given to the last <see cref="Connect(string, int, out bool)"/>.</summary>
        public string RemoteHost { get { return _host; } }

        /// <summary>The port given to the last <see cref="Connect(string, int, out bool)"/>.</summary>
        public int RemotePort { get { return _port; } }

        /// <summary>The local end point as text ("ip:port"), or null when not open (allocates; diagnostics).</summary>
        public string LocalEndPoint { get { Transport t = Transport; return t == null ? null : t.LocalEndPoint; } }

        /// <summary>The remote end point as text ("ip:port"), or null when not connected (allocates; diagnostics).</summary>
        public string RemoteEndPoint { get { Transport t = Transport; return t == null ? null : t.RemoteEndPoint; } }

        /// <summary>
        /// Sets the local port, the protocol and TLS, with default keepalive (off) and buffers
        /// (<see cref="DefaultBufferSize"/> each).
        /// </summary>
        /// <param name="localPort">Local port, 0 = any (a listener needs one).</param>
        /// <param name="isUdp">UDP instead of TCP.</param>
        /// <param name="isTls">TLS over TCP.</param>
        /// <returns>True.</returns>
        public bool Config(int localPort, bool isUdp, bool isTls)
        {
            return Config(localPort, isUdp, isTls, 0, 0, 0, null, null, null, null, DefaultBufferSize, DefaultBufferSize);
        }

        /// <summary>
        /// Configures the netc (LuatOS <c>socket.config</c>) before it connects or listens. The
        /// rings are allocated here, once: each costs its size in bytes of managed heap.
        /// </summary>
        /// <param name="localPort">Local port, 0 = any (a listener needs one), at most 65535.</param>
        /// <param name="isUdp">UDP instead of TCP.</param>
        /// <param name="isTls">TLS over TCP.</param>
        /// <param name="keepIdle">Keepalive: idle seconds before the first probe; 0 = keepalive off.</param>
        /// <param name="keepInterval">Keepalive: seconds between probes.</param>
        /// <param name="keepCount">Keepalive: unanswered probes before the connection drops.</param>
        /// <param name="serverCert">TLS client: CA certificate (PEM) to verify the server's chain and host name against; null = verify them against the platform's trust store (desktop .NET: the system's roots; the device: its certificate store). Turning verification off is a separate, explicit step: <see cref="TlsInsecureSkipVerify"/>. TLS listener: null = no client certificate asked for; a CA (PEM) = every client must present a certificate, verified against this CA on desktop .NET (on the device nano's <c>AuthenticateAsServer(cert, true, Tls12)</c> requires it; nano takes no CA there), else the client is refused and counted in <see cref="AcceptFailures"/>.</param>
        /// <param name="clientCert">TLS client: its certificate (PEM), or null. TLS listener: the server certificate (PEM), required.</param>
        /// <param name="clientKey">Private key (PEM) of <paramref name="clientCert"/>.</param>
        /// <param name="clientPassword">Password of <paramref name="clientKey"/>, or null.</param>
        /// <param name="rxBufferSize">Receive ring in bytes (<see cref="MinBufferSize"/> to <see cref="MaxBufferSize"/>).</param>
        /// <param name="txBufferSize">Send ring in bytes (<see cref="MinBufferSize"/> to <see cref="MaxBufferSize"/>).</param>
        /// <returns>True.</returns>
        /// <exception cref="ArgumentOutOfRangeException">A port, keepalive value or buffer size is out of range.</exception>
        /// <exception cref="ArgumentException">TLS together with UDP.</exception>
        /// <exception cref="InvalidOperationException">The netc is connecting, connected or listening.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Config(int localPort, bool isUdp, bool isTls, int keepIdle, int keepInterval, int keepCount,
            string serverCert, string clientCert, string clientKey, string clientPassword, int rxBufferSize, int txBufferSize)
        {
            if (localPort < 0 || localPort > 65535)
            {
                throw new ArgumentOutOfRangeException("localPort", "local port must be 0 (any) to 65535");
            }

            if (keepIdle < 0 || keepInterval < 0 || keepCount < 0)
            {
                throw new ArgumentOutOfRangeException("keepIdle", "keepalive values must be 0 or more");
            }

            CheckBufferSize(rxBufferSize, "rxBufferSize");
            CheckBufferSize(txBufferSize, "txBufferSize");
            if (isUdp && isTls)
            {
                throw new ArgumentException("TLS needs TCP: isUdp and isTls cannot both be true", "isTls");
            }

            lock (Sync)
            {
                ThrowIfReleased();
                if (IsActive(_state))
                {
                    throw new InvalidOperationException("Config while " + StateName(_state) + ": close the netc first");
                }

                _localPort = localPort;
                _udp = isUdp;
                _tls = isTls;
                _keepIdle = keepIdle;
                _keepInterval = keepInterval;
                _keepCount = keepCount;
                _serverCert = serverCert;
                _clientCert = clientCert;
                _clientKey = clientKey;
                _clientPassword = clientPassword;
                if (_rx == null || _rx.Capacity != rxBufferSize)
                {
                    _rx = new ByteRing(rxBufferSize);
                }

                if (_tx == null || _tx.Capacity != txBufferSize)
                {
                    _tx = new ByteRing(txBufferSize);
                }

                _rxSize = rxBufferSize;
                _txSize = txBufferSize;
            }

            return true;
        }

        private static void CheckBufferSize(int size, string name)
        {
            if (size < MinBufferSize || size > MaxBufferSize)
            {
                throw new ArgumentOutOfRangeException(name, "buffer size must be 64 to 65535 bytes");
            }
        }

        /// <summary>
        /// Is the adapter's link up (LuatOS <c>socket.linkup</c>)? If not, a
        /// <see cref="SocketEvent.Link"/> event follows when it comes up.
        /// </summary>
        /// <param name="linked">True when the link is up now.</param>
        /// <returns>True (the question can always be asked).</returns>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool LinkUp(out bool linked)
        {
            lock (Sync)
            {
                ThrowIfReleased();
                _linkArmed = true;
            }

            linked = _adapter.IsLinkUp;
            if (linked)
            {
                lock (Sync)
                {
                    _linkArmed = false;
                }
            }

            return true;
        }

        /// <summary>
        /// Starts connecting to <paramref name="host"/>:<paramref name="port"/> (LuatOS
        /// <c>socket.connect</c>): an IP literal or a DNS name; TCP, TLS (done after the
        /// handshake) or UDP (sets the default peer). DNS, connect and handshake run on a
        /// connect worker of their own (no connect waits behind another); <see cref="SocketEvent.OnLine"/> follows with the status.
        /// A closed or failed netc may connect again.
        /// </summary>
        /// <param name="host">IP literal or host name.</param>
        /// <param name="port">1 to 65535.</param>
        /// <param name="connected">True when already connected (never, today: wait for OnLine).</param>
        /// <returns>False when the connect could not start (see <see cref="LastError"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="host"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 1..65535.</exception>
        /// <exception cref="InvalidOperationException">The netc is already connecting, connected or listening.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Connect(string host, int port, out bool connected)
        {
            if (host == null)
            {
                throw new ArgumentNullException("host");
            }

            CheckPort(port, "port");
            connected = false;
            Transport t;
            int epoch;
            lock (Sync)
            {
                ThrowIfReleased();
                if (IsActive(_state))
                {
                    throw new InvalidOperationException("Connect while " + StateName(_state) + ": close the netc first");
                }

                EnsureRings();
                ResetConnection();
                _host = host;
                _port = port;
                t = _adapter.NewTransport(this);
                t.Owner = this;
                Transport = t;
                _state = NetCtrlState.Connecting;
                epoch = _epoch;
            }

            if (!_engine.Workers.StartConnect(this, t, epoch))
            {
                Abort(NetError.Busy, "no thread could be made for the connect (out of memory)", false);
                return false;
            }

            return true;
        }

        /// <summary>
        /// Starts listening on the configured local port (LuatOS <c>socket.listen</c>). TCP: a
        /// <see cref="SocketEvent.OnLine"/> follows each client that arrives; take it with
        /// <see cref="Accept(string, out NetCtrl)"/>. UDP: binds the port; the netc is online at
        /// once and receives from anyone. Calling it again while listening only reports whether a
        /// client is waiting.
        /// </summary>
        /// <param name="accepted">True when a client is already waiting (UDP: the netc is ready).</param>
        /// <returns>False when the port could not be bound (see <see cref="LastError"/>).</returns>
        /// <exception cref="InvalidOperationException">No local port was configured, or the netc is connected.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Listen(out bool accepted)
        {
            Transport t;
            int epoch;
            lock (Sync)
            {
                ThrowIfReleased();
                if (_state == NetCtrlState.Listening)
                {
                    accepted = _acceptCount > 0;
                    return true;
                }

                if (_localPort == 0)
                {
                    throw new InvalidOperationException("Listen needs a local port: call Config(localPort, ...) first");
                }

                if (IsActive(_state))
                {
                    throw new InvalidOperationException("Listen while " + StateName(_state) + ": close the netc first");
                }

                EnsureRings();
                ResetConnection();
                t = _adapter.NewTransport(this);
                t.Owner = this;
                epoch = _epoch;
            }

            // The bind runs outside the lock. A Close or Release meanwhile bumps the epoch and wins:
            // what the bind found afterwards, failure or success, is not written over it.
            accepted = false;
            try
            {
                t.Listen(_localPort, AcceptBacklog, this);
            }
            catch (Exception ex)
            {
                t.Close();
                lock (Sync)
                {
                    if (_epoch == epoch)
                    {
                        SetError(_adapter.MapError(ex), ex.Message);
                        _state = NetCtrlState.Error;
                    }
                }

                return false;
            }

            bool released = false;
            bool won = false;
            lock (Sync)
            {
                if (_epoch == epoch)
                {
                    won = true;
                    Transport = t;
                    _state = _udp ? NetCtrlState.Online : NetCtrlState.Listening;
                    if (_acceptQueue == null && !_udp)
                    {
                        _acceptQueue = new Transport[AcceptBacklog];
                    }
                }
                else
                {
                    released = _state == NetCtrlState.Released;
                    if (!released)
                    {
                        SetError(NetError.Aborted, "closed while it started listening");
                    }
                }
            }

            if (!won)
            {
                t.Close();
                if (released)
                {
                    throw new ObjectDisposedException("NetCtrl: this netc was released while it started listening");
                }

                return false;
            }

            _engine.Request();
            accepted = _udp;
            return true;
        }

        /// <summary>
        /// Takes a client that arrived on this listening netc and hands it over as a new, connected
        /// netc owned by <paramref name="taskName"/> (LuatOS <c>socket.accept</c>), with this
        /// netc's configuration and buffer sizes.
        /// </summary>
        /// <param name="taskName">The task that will own the client (must be running).</param>
        /// <param name="client">The client netc, or null when none was waiting.</param>
        /// <returns>True when a client was taken.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        /// <exception cref="InvalidOperationException">No task has that name, or this netc is not listening.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Accept(string taskName, out NetCtrl client)
        {
            TaskContext owner = RequireTask(taskName);
            Transport t;
            lock (Sync)
            {
                ThrowIfReleased();
                if (_state != NetCtrlState.Listening)
                {
                    throw new InvalidOperationException("Accept needs a listening netc (it is " + StateName(_state) + ")");
                }

                if (_acceptCount == 0)
                {
                    client = null;
                    return false;
                }

                t = _acceptQueue[0];
                for (int i = 1; i < _acceptCount; i++)
                {
                    _acceptQueue[i - 1] = _acceptQueue[i];
                }

                _acceptQueue[--_acceptCount] = null;
            }

            NetCtrl c = new NetCtrl(_adapter, owner, null);
            c.Config(0, false, _tls, _keepIdle, _keepInterval, _keepCount, _serverCert, _clientCert, _clientKey, _clientPassword, _rxSize, _txSize);
            c._nagle = _nagle;
            t.Owner = c;
            c.Transport = t;
            c._state = NetCtrlState.Online;
            _engine.Register(c);
            if (!owner.Own(c))
            {
                // The task ended between the look-up and now: the client is closed, not leaked.
                _engine.Unregister(c);
                t.Close();
                lock (Sync)
                {
                    _acceptFailures++;
                }

                throw new InvalidOperationException("task '" + taskName + "' has ended");
            }

            _engine.Request();
            client = c;
            return true;
        }

        /// <summary>
        /// Sends or queues <paramref name="count"/> bytes (LuatOS <c>socket.tx</c>). All or
        /// nothing: when they do not fit in the free part of the send ring, nothing is queued and
        /// <paramref name="full"/> is true (wait for <see cref="SocketEvent.TxOk"/> and retry).
        /// When nothing is queued before them and the socket takes them at once, they go out on
        /// the caller's thread and <paramref name="done"/> is true (no <see cref="SocketEvent.TxOk"/>
        /// follows); otherwise what the socket did not take is queued and TxOk follows once it
        /// went out. UDP: one call is one datagram, to the connected peer.
        /// (<see cref="LibNet.Tx(string, int, NetCtrl, byte[], int, int, out bool)"/> takes any size.)
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many (at most the send ring's size).</param>
        /// <param name="full">True when they did not fit; nothing was queued.</param>
        /// <param name="done">True when all went out already (no TxOk follows).</param>
        /// <returns>False when the netc is not connected (see <see cref="LastError"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad <paramref name="offset"/>/<paramref name="count"/>, or <paramref name="count"/> larger than the send ring.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Tx(byte[] data, int offset, int count, out bool full, out bool done)
        {
            long mark;
            return TxCore(data, offset, count, null, 0, out full, out done, out mark);
        }

        /// <summary>
        /// Queues one UDP datagram to <paramref name="host"/>:<paramref name="port"/>
        /// (an IP literal: no DNS on the send path).
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many.</param>
        /// <param name="host">IPv4 or IPv6 literal.</param>
        /// <param name="port">1 to 65535.</param>
        /// <param name="full">True when the datagram did not fit; nothing was queued.</param>
        /// <param name="done">True when it went out already (no TxOk follows).</param>
        /// <returns>False when the netc is not open (see <see cref="LastError"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="host"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad offset/count or port.</exception>
        /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP literal.</exception>
        /// <exception cref="InvalidOperationException">The netc is not UDP.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Tx(byte[] data, int offset, int count, string host, int port, out bool full, out bool done)
        {
            if (host == null)
            {
                throw new ArgumentNullException("host");
            }

            CheckPort(port, "port");
            ThrowIfReleased();
            if (!_udp)
            {
                throw new InvalidOperationException("Tx to a host and port is for UDP netcs");
            }

            long mark;
            return TxCore(data, offset, count, host, port, out full, out done, out mark);
        }

        internal bool TxCore(byte[] data, int offset, int count, string host, int port, out bool full, out bool done, out long mark)
        {
            CheckRange(data, offset, count);
            full = false;
            done = false;
            Transport t;
            Exception failure = null;
            bool drained = false;
            int epoch;
            lock (Sync)
            {
                ThrowIfReleased();
                EnsureRings();
                mark = _queuedTotal;
                int need = _udp ? count + DatagramHeader : count;
                if (need > _tx.Capacity)
                {
                    throw new ArgumentOutOfRangeException("count", "count " + count + " is larger than the send buffer (" + _tx.Capacity + " bytes): raise it with Config(..., txBufferSize), send in parts, or use LibNet.Tx (any size)");
                }

                if (_state != NetCtrlState.Online)
                {
                    NotConnectedLocked("Tx");
                    return false;
                }

                if (count == 0 && !_udp)
                {
                    done = true;
                    return true;
                }

                int alen = 0;
                if (host != null)
                {
                    alen = IpText.Parse(host, _txAddress);
                    if (alen == 0)
                    {
                        throw new ArgumentException("host must be an IP literal for a datagram Tx: '" + host + "'", "host");
                    }
                }

                if (need > _tx.Free)
                {
                    full = true;
                    _txFullCount++;
                    return true;
                }

                t = Transport;
                epoch = _epoch;
                if (_udp)
                {
                    done = SendDatagramNowLocked(t, data, offset, count, alen, port, ref failure);
                    if (!done && failure == null)
                    {
                        QueueDatagramLocked(data, offset, count, alen, port);
                    }
                }
                else
                {
                    int sent = SendNowLocked(t, data, offset, count, _adapter.CallerPollSliceMs > 0, ref failure, ref drained);
                    done = sent == count;
                    if (!done && failure == null)
                    {
                        _tx.Write(data, offset + sent, count - sent);
                        _queuedTotal += count - sent;
                    }
                }

                if (!done && failure == null)
                {
                    _requests |= NetRequest.Kick;
                }

                mark = _queuedTotal;
            }

            if (failure != null)
            {
                Fail(t, _adapter.MapError(failure), failure.Message);
                return false;
            }

            AfterCallerSend(epoch, drained, !done);
            return true;
        }

        /// <summary>Sync held: one datagram record (length, port, address, payload) into the send ring, which has room for it.</summary>
        private void QueueDatagramLocked(byte[] data, int offset, int count, int addressLength, int port)
        {
            _tx.WriteUInt16(count);
            _tx.WriteUInt16(port);
            _tx.WriteByte(addressLength);
            for (int i = 0; i < 16; i++)
            {
                _tx.WriteByte(i < addressLength ? _txAddress[i] : 0);
            }

            _tx.Write(data, offset, count);
            _queuedTotal += count;
        }

        /// <summary>
        /// Takes what has arrived (LuatOS <c>socket.rx</c>); never blocks. UDP: one datagram per
        /// call (a datagram longer than <paramref name="count"/> is cut, and the cut counted).
        /// </summary>
        /// <param name="buffer">Where to copy.</param>
        /// <param name="offset">Where to start.</param>
        /// <param name="count">At most this many bytes.</param>
        /// <param name="read">Bytes copied; 0 = nothing yet.</param>
        /// <returns>False when nothing is left and the connection is closed or failed (or never opened).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad offset/count.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Rx(byte[] buffer, int offset, int count, out int read)
        {
            int alen;
            int port;
            return RxCore(buffer, offset, count, out read, null, out alen, out port);
        }

        /// <summary>
        /// Takes one datagram and its sender, without allocating: the sender's address bytes
        /// (4 or 16) go to <paramref name="remoteAddress"/>.
        /// </summary>
        /// <param name="buffer">Where to copy.</param>
        /// <param name="offset">Where to start.</param>
        /// <param name="count">At most this many bytes.</param>
        /// <param name="read">Bytes copied; 0 = nothing yet.</param>
        /// <param name="remoteAddress">At least 16 bytes; gets the sender's address.</param>
        /// <param name="remoteAddressLength">4 (IPv4) or 16 (IPv6); 0 when nothing was read.</param>
        /// <param name="remotePort">The sender's port.</param>
        /// <returns>False when nothing is left and the netc is closed or failed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> or <paramref name="remoteAddress"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad offset/count, or <paramref name="remoteAddress"/> shorter than 16.</exception>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Rx(byte[] buffer, int offset, int count, out int read, byte[] remoteAddress, out int remoteAddressLength, out int remotePort)
        {
            if (remoteAddress == null)
            {
                throw new ArgumentNullException("remoteAddress");
            }

            if (remoteAddress.Length < 16)
            {
                throw new ArgumentOutOfRangeException("remoteAddress", "needs 16 bytes");
            }

            return RxCore(buffer, offset, count, out read, remoteAddress, out remoteAddressLength, out remotePort);
        }

        /// <summary>Takes one datagram and its sender as text (allocates the string; see the byte[] overload).</summary>
        /// <param name="buffer">Where to copy.</param>
        /// <param name="offset">Where to start.</param>
        /// <param name="count">At most this many bytes.</param>
        /// <param name="read">Bytes copied; 0 = nothing yet.</param>
        /// <param name="remoteHost">The sender's IP address, or null when nothing was read.</param>
        /// <param name="remotePort">The sender's port.</param>
        /// <returns>False when nothing is left and the netc is closed or failed.</returns>
        public bool Rx(byte[] buffer, int offset, int count, out int read, out string remoteHost, out int remotePort)
        {
            byte[] a = new byte[16];
            int alen;
            bool ok = RxCore(buffer, offset, count, out read, a, out alen, out remotePort);
            remoteHost = alen == 0 ? null : IpText.Format(a, alen);
            return ok;
        }

        private bool RxCore(byte[] buffer, int offset, int count, out int read, byte[] address, out int addressLength, out int port, bool look = true)
        {
            CheckRange(buffer, offset, count);
            read = 0;
            addressLength = 0;
            port = 0;
            bool kick = false;
            bool empty = false;
            bool alive = false;
            bool skipped = false;
            lock (Sync)
            {
                ThrowIfReleased();
                if (_rx == null || _rx.Count == 0)
                {
                    empty = true;
                    alive = _state == NetCtrlState.Online || _state == NetCtrlState.Closing || _state == NetCtrlState.Connecting;
                    skipped = _readSkipped && _adapter.CallerPollSliceMs == 0;
                }
                else
                {
                    kick = _rxStalled;
                    if (_udp)
                    {
                        int len = _rx.ReadUInt16();
                        port = _rx.ReadUInt16();
                        int alen = _rx.ReadByte();
                        for (int i = 0; i < 16; i++)
                        {
                            int b = _rx.ReadByte();
                            if (address != null)
                            {
                                address[i] = (byte)b;
                            }
                        }

                        addressLength = alen;
                        int take = len < count ? len : count;
                        read = _rx.Read(buffer, offset, take);
                        if (len > take)
                        {
                            _rx.Skip(len - take);
                            _datagramsTruncated++;
                        }
                    }
                    else
                    {
                        read = _rx.Read(buffer, offset, count);
                    }

                    if (_rx.Count == 0 && _rxBusy == null)
                    {
                        // Empty, and no receive under way into it: start over at the front, so the next
                        // receive gets the whole ring in one piece (a message that would have wrapped
                        // would have cost two receives and two events).
                        _rx.Clear();
                    }
                }
            }

            if (empty)
            {
                if (alive && skipped && look && PollRead(0) > 0)
                {
                    // The engine left this socket to a task that polled it itself, so it may not
                    // have seen what came since: look at the socket once, here (no engine wake-up).
                    return RxCore(buffer, offset, count, out read, address, out addressLength, out port, false);
                }

                return alive;
            }

            if (kick)
            {
                AddRequest(NetRequest.Kick);
            }

            return true;
        }

        /// <summary>
        /// Arms the netc for the next <see cref="SocketEvent.Event"/> (LuatOS <c>socket.wait</c>):
        /// it is posted when data arrives or the state changes.
        /// </summary>
        /// <param name="hasEvent">True when data is already waiting (no event will be posted for it).</param>
        /// <returns>False when the netc is closed or failed and nothing is left to read, or is not connected (then <see cref="LastError"/> is <see cref="NetError.NotConnected"/>).</returns>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Wait(out bool hasEvent)
        {
            bool armed;
            bool ok = WaitCore(out hasEvent, out armed);
            if (armed)
            {
                // The Event comes from the engine: it must be watching the socket.
                EnsureWatched();
            }

            return ok;
        }

        /// <summary>Wait without the engine check: LibNet.Wait looks at the socket itself first, then makes the check before it sleeps (EventWait).</summary>
        internal bool WaitCore(out bool hasEvent, out bool armed)
        {
            armed = false;
            lock (Sync)
            {
                ThrowIfReleased();
                if (_rx != null && _rx.Count > 0)
                {
                    hasEvent = true;
                    _eventArmed = false;
                    return true;
                }

                hasEvent = false;
                if (_state == NetCtrlState.Online || _state == NetCtrlState.Closing)
                {
                    _eventArmed = true;
                    armed = true;
                    return true;
                }

                if (_state != NetCtrlState.Closed && _state != NetCtrlState.Error)
                {
                    // A closed or failed netc keeps its reason in LastError; this one never connected.
                    SetError(NetError.NotConnected, "Wait needs a connected netc (it is " + StateName(_state) + ")");
                }

                return false;
            }
        }

        /// <summary>
        /// Starts a graceful close (LuatOS <c>socket.discon</c>): what is queued is sent, then the
        /// connection closes and <see cref="SocketEvent.Closed"/> follows. A connect under way is
        /// aborted; a listener closes at once.
        /// </summary>
        /// <param name="closed">True when already closed (nothing to wait for).</param>
        /// <returns>True.</returns>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public bool Discon(out bool closed)
        {
            if (!DisconCore(out closed))
            {
                throw new ObjectDisposedException("NetCtrl: this netc was released");
            }

            return true;
        }

        /// <summary>Discon that never throws: false when the netc is released (LibNet.Close, which another task may race).</summary>
        internal bool DisconCore(out bool closed)
        {
            NetCtrlState s;
            lock (Sync)
            {
                s = _state;
                if (s == NetCtrlState.Released)
                {
                    closed = true;
                    return false;
                }

                if (s == NetCtrlState.Online)
                {
                    _state = NetCtrlState.Closing;
                    closed = false;
                }
                else
                {
                    closed = s != NetCtrlState.Closing;
                }
            }

            if (s == NetCtrlState.Online)
            {
                AddRequest(NetRequest.Discon);
            }
            else if (s == NetCtrlState.Connecting || s == NetCtrlState.Listening)
            {
                CloseCore(NetCtrlState.Closed);
            }

            return true;
        }

        /// <summary>
        /// Closes now (LuatOS <c>socket.close</c>): aborts a connect under way, drops unsent and
        /// unread data (counted), frees the native socket. The netc stays usable: it may connect
        /// again. No event follows.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The netc was released.</exception>
        public void Close()
        {
            lock (Sync)
            {
                ThrowIfReleased();
            }

            CloseCore(NetCtrlState.Closed);
        }

        /// <summary>Close that never throws: nothing to do on a released netc (LibNet.Close, which another task may race).</summary>
        internal void CloseQuietly()
        {
            CloseCore(NetCtrlState.Closed);
        }

        /// <summary>Records a failure of a blocking call (a deadline that passed) as the last error.</summary>
        internal void SetFailure(int code, string message)
        {
            lock (Sync)
            {
                SetError(code, message);
            }
        }

        /// <summary>A blocking call ended with this failure status: it becomes the last error unless one is recorded (a normal close by the peer records none).</summary>
        internal void NoteFailure(int status)
        {
            lock (Sync)
            {
                if (_lastError == NetError.None || _state != NetCtrlState.Error)
                {
                    SetError(status, "the connection ended before the call finished (" + NetError.Name(status) + ", netc " + StateName(_state) + ")");
                }
            }
        }

        /// <summary>A LibNet.Tx whose deadline passed with nothing queued: counted with the full-ring Tx calls.</summary>
        internal void CountTxFull()
        {
            lock (Sync)
            {
                _txFullCount++;
            }
        }

        /// <summary>
        /// Frees the netc (LuatOS <c>socket.release</c>): closes it, removes it from its adapter
        /// and task. Afterwards every call throws <see cref="ObjectDisposedException"/>. Safe to call twice.
        /// </summary>
        public void Release()
        {
            lock (Sync)
            {
                if (_state == NetCtrlState.Released)
                {
                    return;
                }
            }

            CloseCore(NetCtrlState.Released);
            TaskContext owner = _owner;
            if (owner != null)
            {
                owner.Disown(this);
            }

            _engine.Unregister(this);
        }

        /// <summary>Same as <see cref="Release"/>.</summary>
        public void Dispose()
        {
            Release();
        }

        private static void CheckPort(int port, string name)
        {
            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException(name, "port must be 1 to 65535");
            }
        }

        internal static void CheckRange(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            if (offset < 0 || offset > data.Length)
            {
                throw new ArgumentOutOfRangeException("offset", "offset must be within the array");
            }

            if (count < 0 || count > data.Length - offset)
            {
                throw new ArgumentOutOfRangeException("count", "count must fit in the array after offset");
            }
        }

        internal void ThrowIfReleased()
        {
            if (_state == NetCtrlState.Released)
            {
                throw new ObjectDisposedException("NetCtrl: this netc was released");
            }
        }

        private static bool IsActive(NetCtrlState s)
        {
            return s == NetCtrlState.Connecting || s == NetCtrlState.Online || s == NetCtrlState.Listening || s == NetCtrlState.Closing;
        }

        private static string StateName(NetCtrlState s)
        {
            switch (s)
            {
                case NetCtrlState.Idle: return "Idle";
                case NetCtrlState.Connecting: return "Connecting";
                case NetCtrlState.Online: return "Online";
                case NetCtrlState.Listening: return "Listening";
                case NetCtrlState.Closing: return "Closing";
                case NetCtrlState.Closed: return "Closed";
                case NetCtrlState.Error: return "Error";
                default: return "Released";
            }
        }

        private void EnsureRings()
        {
            if (_rx == null)
            {
                _rx = new ByteRing(_rxSize);
            }

            if (_tx == null)
            {
                _tx = new ByteRing(_txSize);
            }
        }
    }
}
