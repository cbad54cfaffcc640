using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A System.Net socket as the engine drives it. The connect (DNS, TCP, TLS) blocks on a
    /// worker, as nanoFramework's <c>Socket.Connect</c> does; <see cref="Close"/> from any thread
    /// is what aborts it. After the connect the engine only calls it when the adapter's wait
    /// said the socket is ready; on desktop .NET the socket is also made non-blocking then, so
    /// a send larger than the room left can never stall the engine.
    /// TLS: the handshake runs on the worker too (the client's inside its connect, an accepted
    /// client's in <see cref="Handshake"/>, before it is handed out); afterwards every read and
    /// write goes through the <see cref="TlsSession"/>, and the socket stays blocking with short
    /// timeouts (see <see cref="TlsSession"/>).
    /// </summary>
    internal sealed class SocketTransport : Transport
    {
        private readonly SocketAdapter _adapter;
        private readonly bool _udp;
        private readonly object _lock = new object();
        private Socket _socket;
        private AddressFamily _family;
        private bool _closed;
        private EndPoint _anyFrom;
        private EndPoint _lastTo;
        private readonly byte[] _lastToAddress = new byte[16];
        private int _lastToLength;
        private int _lastToPort;
        private TlsSession _tls;
        private X509Certificate _serverCert;
        private X509Certificate _clientCa;
        private bool _handshakeOverdue;
        private bool _noDelay;

        // Who the connection is with, kept for failure messages: a reset socket may no longer say.
        private IPAddress _peerAddress;
        private int _peerPort;
        private string _peerHost;

        internal SocketTransport(SocketAdapter adapter, bool udp)
        {
            _adapter = adapter;
            _udp = udp;
        }

        internal SocketTransport(SocketAdapter adapter, Socket accepted, X509Certificate serverCert, X509Certificate clientCa)
        {
            _adapter = adapter;
            _socket = accepted;
            _serverCert = serverCert;
            _clientCa = clientCa;
            try
            {
                IPEndPoint peer = accepted.RemoteEndPoint as IPEndPoint;
                if (peer != null)
                {
                    _peerAddress = peer.Address;
                    _peerPort = peer.Port;
                }
            }
            catch (SocketException)
            {
                // Gone already: its failure will not name it.
            }

            adapter.HandleOpened();
            if (serverCert == null)
            {
                SocketAdapter.MakeNonBlocking(accepted);
            }
        }

        /// <summary>The native socket (null before it is opened).</summary>
        internal Socket Socket { get { return _socket; } }

        internal override void Connect(string host, int port, NetCtrl config)
        {
            IPAddress address = _adapter.Resolve(host);
            Socket s = Open(address.AddressFamily);
            ApplyOptions(s, config);
            if (config.LocalPort != 0)
            {
                IPAddress local = _adapter.BindAddressFor(address.AddressFamily);
                AllowRebind(s);
                try
                {
                    s.Bind(new IPEndPoint(local, config.LocalPort));
                }
                catch (SocketException se)
                {
                    throw SocketErrors.Failure(se, "binding " + SocketErrors.EndPointText(local, config.LocalPort, null));
                }
            }

            _peerAddress = address;
            _peerPort = port;
            _peerHost = host;
            try
            {
                s.Connect(new IPEndPoint(address, port));
            }
            catch (SocketException se)
            {
                throw SocketErrors.Failure(se, PeerText());
            }

            if (config.IsTls)
            {
                Publish(TlsSession.Client(s, host, config.ServerCert, config.ClientCert, config.ClientKey, config.ClientPassword, config.TlsInsecureSkipVerify));
                return;
            }

            SocketAdapter.MakeNonBlocking(s);
        }

        /// <inheritdoc/>
        internal override bool NeedsHandshake { get { return _serverCert != null && _tls == null; } }

        /// <summary>
        /// Worker thread, blocking: the server side of an accepted client's handshake, bounded by
        /// <see cref="SocketAdapter.TlsAcceptTimeout"/>: a timer closes the socket at that deadline,
        /// which is the only way to stop a handshake on the device. On the device the handshake
        /// itself runs in native code that stops every managed thread (the timer's included)
        /// until it ends, so the client's first bytes are awaited first, where threads run: a
        /// client that never speaks is dropped at the deadline instead of stopping the device.
        /// (One that stalls in the middle of its handshake still stops it until it goes on.)
        /// </summary>
        internal override void Handshake()
        {
            TlsSession tls;
            int timeout = _adapter.TlsAcceptTimeout;
            Timer deadline = new Timer(HandshakeOverdue, null, timeout, Timeout.Infinite);
            try
            {
                if (!_socket.Poll(timeout >= int.MaxValue / 1000 ? int.MaxValue : timeout * 1000, SelectMode.SelectRead))
                {
                    throw new NetFailure(NetError.Timeout, "the client sent nothing within " + timeout + " ms of connecting");
                }

                tls = TlsSession.Server(_socket, _serverCert, _clientCa);
            }
            catch (Exception)
            {
                if (_handshakeOverdue)
                {
                    throw new NetFailure(NetError.Timeout, "the client did not finish the TLS handshake within " + _adapter.TlsAcceptTimeout + " ms");
                }

                throw;
            }
            finally
            {
                deadline.Dispose();
            }

            Publish(tls);
        }

        private void HandshakeOverdue(object state)
        {
            _handshakeOverdue = true;
            Close();
        }

        // After a handshake on a worker: the engine may use the session only if no Close came meanwhile.
        private void Publish(TlsSession tls)
        {
            lock (_lock)
            {
                if (!_closed)
                {
                    _tls = tls;
                    return;
                }
            }

            tls.Dispose();
            throw new ObjectDisposedException("socket (closed during the TLS handshake)");
        }

        /// <inheritdoc/>
        internal override bool HasBufferedData
        {
            get
            {
                TlsSession tls = _tls;
                return tls != null && tls.HasBufferedData;
            }
        }

        internal override void Listen(int localPort, int backlog, NetCtrl config)
        {
            if (config.IsTls)
            {
                // Read once here, not per client: a listener without a usable certificate fails now.
                if (config.ClientCert == null)
                {
                    throw new NetFailure(NetError.TlsFailed, "a TLS listener needs its certificate and key: Config's clientCert and clientKey");
                }

                _serverCert = TlsCertificates.WithKey(config.ClientCert, config.ClientKey, config.ClientPassword);
                _clientCa = config.ServerCert == null ? null : TlsCertificates.Authority(config.ServerCert);
            }

            IPAddress bind = _adapter.ListenAddress();
            Socket s = Open(bind.AddressFamily);
            ApplyOptions(s, config);
            AllowRebind(s);
            try
            {
                s.Bind(new IPEndPoint(bind, localPort));
                if (!_udp)
                {
                    s.Listen(backlog);
                }
            }
            catch (SocketException se)
            {
                throw SocketErrors.Failure(se, "listening on " + SocketErrors.EndPointText(bind, localPort, null));
            }

            SocketAdapter.MakeNonBlocking(s);
        }

        private Socket Open(AddressFamily family)
        {
            Socket s = _udp
                ? new Socket(family, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            lock (_lock)
            {
                if (_closed)
                {
                    s.Close();
                    throw new ObjectDisposedException("socket (closed before it opened)");
                }

                _socket = s;
                _family = family;
            }

            _adapter.HandleOpened();
            return s;
        }

        /// <summary>
        /// TCP: lets a bind take a port whose earlier connections still wait in TIME_WAIT (a
        /// server restarted on its port right after serving), as desktop .NET does by itself on
        /// Linux. nano does not: without SO_REUSEADDR such a Listen failed with AddressInUse for
        /// minutes (found on the nanoCLR; docs/nano-notes.md). A second listener on a port in use
        /// still fails (lwIP and Linux check that at listen time).
        /// </summary>
        private void AllowRebind(Socket s)
        {
#if NANOFRAMEWORK_1_0
            if (!_udp)
            {
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
#endif
        }

        private void ApplyOptions(Socket s, NetCtrl config)
        {
            if (_udp)
            {
                return;
            }

            _noDelay = config.NoDelay;
            SetNoDelay(s, _noDelay);
            if (config.KeepIdle > 0)
            {
                _adapter.ApplyKeepAlive(s, config.KeepIdle, config.KeepInterval, config.KeepCount);
            }
        }

        // TCP_NODELAY on or off (a listener's setting is handed to the clients it accepts).
        private static void SetNoDelay(Socket s, bool on)
        {
            s.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay, on);
        }

        /// <summary>
        /// The most a caller or the engine hands a device socket in one send once
        /// <c>Poll(0, SelectWrite)</c> said it is writable: nano's <c>Send</c> blocks until every
        /// byte given is taken, and lwIP reports a socket writable only while more than
        /// TCP_SNDLOWAT bytes of its send buffer are free (min(max(TCP_SND_BUF / 2, 2 MSS + 1),
        /// TCP_SND_BUF - 1): 2,873 bytes with the ESP32 defaults), so one MSS is always taken at once.
        /// </summary>
        internal const int DeviceSendChunk = 1460;

        internal override int Send(byte[] buffer, int offset, int count)
        {
            TlsSession tls = _tls;
            if (tls == null)
            {
                // The same send as a caller's: on the device at most one MSS of a TCP stream (a
                // datagram goes whole), and only if the socket is writable right now: the engine
                // saw it writable at its sweep, but a task's own send may have filled it since.
                return SendNow(buffer, offset, count, null);
            }

#if NANOFRAMEWORK_1_0
            count = count < DeviceSendChunk ? count : DeviceSendChunk;
            if (!_socket.Poll(0, SelectMode.SelectWrite))
            {
                return 0;
            }
#endif
            try
            {
                return tls.Write(buffer, offset, count);
            }
            catch (Exception ex)
            {
                throw Described(ex, SocketErrors.Find(ex));
            }
        }

        /// <inheritdoc/>
        internal override bool CanSendDirect { get { return _tls == null && _socket != null; } }

        /// <inheritdoc/>
        internal override bool CanPoll { get { return _socket != null; } }

        /// <inheritdoc/>
        internal override bool CanReceiveDirect { get { return !_udp && _tls == null; } }

        /// <inheritdoc/>
        internal override bool MoreWaiting { get { return _tls == null && _socket.Available > 0; } }

        /// <summary>
        /// Caller thread: sends without blocking. Desktop: the socket is non-blocking; would-block
        /// is 0. Device: only when <c>Poll(0, SelectWrite)</c> says writable, and at most
        /// <see cref="DeviceSendChunk"/> bytes, which lwIP then takes at once.
        /// </summary>
        internal override int TrySend(byte[] buffer, int offset, int count)
        {
            return SendNow(buffer, offset, count, null);
        }

        /// <inheritdoc/>
        internal override int TrySendTo(byte[] buffer, int offset, int count, byte[] address, int addressLength, int port)
        {
            return SendNow(buffer, offset, count, addressLength == 0 ? null : Target(address, addressLength, port));
        }

        private int SendNow(byte[] buffer, int offset, int count, EndPoint to)
        {
#if NANOFRAMEWORK_1_0
            if (!_socket.Poll(0, SelectMode.SelectWrite))
            {
                return 0;
            }

            if (!_udp && count > DeviceSendChunk)
            {
                count = DeviceSendChunk;
            }
#else
            if (to == null)
            {
                // Desktop: a full socket says so without an exception (a thrown would-block costs
                // more than the send and allocates, once per Tx while a stream waits for room).
                SocketError error;
                int sent = _socket.Send(buffer, offset, count, SocketFlags.None, out error);
                if (error == SocketError.Success)
                {
                    return sent;
                }

                if (error == SocketError.WouldBlock)
                {
                    return 0;
                }

                SocketException failed = new SocketException((int)error);
                throw Described(failed, failed);
            }
#endif
            try
            {
                return to == null ? _socket.Send(buffer, offset, count, SocketFlags.None) : _socket.SendTo(buffer, offset, count, SocketFlags.None, to);
            }
            catch (Exception ex)
            {
                SocketException se = SocketErrors.Find(ex);
                if (se != null && SocketErrors.IsWouldBlock(se))
                {
                    return 0;
                }

                throw Described(ex, se);
            }
        }

        /// <summary>Caller thread: waits natively for this socket only; closing it ends the wait (it throws).</summary>
        internal override bool Poll(int microseconds, bool write)
        {
            return _socket.Poll(microseconds, write ? SelectMode.SelectWrite : SelectMode.SelectRead);
        }

        internal override int Receive(byte[] buffer, int offset, int count)
        {
#if !NANOFRAMEWORK_1_0
            if (_tls == null)
            {
                // Desktop: an empty socket says so without an exception (the engine's Select and a
                // task reading the same socket itself can both see it ready; one finds it empty).
                SocketError error;
                int got = _socket.Receive(buffer, offset, count, SocketFlags.None, out error);
                if (error == SocketError.Success)
                {
                    return got;
                }

                if (error == SocketError.WouldBlock)
                {
                    return -1;
                }

                SocketException failed = new SocketException((int)error);
                throw Described(failed, failed);
            }

#endif
            try
            {
                TlsSession tls = _tls;
#if NANOFRAMEWORK_1_0
                // A device socket has no non-blocking mode: a read of one with nothing in it blocks.
                // Whoever reads has seen it ready, but another reader may have emptied it since.
                if ((tls == null || !tls.HasBufferedData) && !_socket.Poll(0, SelectMode.SelectRead))
                {
                    return -1;
                }
#endif
                if (tls != null)
                {
                    return tls.Read(buffer, offset, count);
                }

                return _socket.Receive(buffer, offset, count, SocketFlags.None);
            }
            catch (Exception ex)
            {
                SocketException se = SocketErrors.Find(ex);
                if (se != null && _tls == null && SocketErrors.IsWouldBlock(se))
                {
                    return -1;
                }

                throw Described(ex, se);
            }
        }

        /// <summary>A socket failure of an open connection, as a failure that says what happened and with whom.</summary>
        private Exception Described(Exception ex, SocketException se)
        {
            if (se == null)
            {
                return ex;
            }

            return SocketErrors.Failure(se, _peerAddress == null ? null : "with " + PeerText());
        }

        private string PeerText()
        {
            return SocketErrors.EndPointText(_peerAddress, _peerPort, _peerHost);
        }

        // The end point of a datagram's target: built once per new target, not per datagram.
        private EndPoint Target(byte[] address, int addressLength, int port)
        {
            if (_lastTo == null || !SameTarget(address, addressLength, port))
            {
                byte[] a = new byte[addressLength];
                Array.Copy(address, a, addressLength);
                _lastTo = new IPEndPoint(new IPAddress(a), port);
                Array.Copy(address, _lastToAddress, addressLength);
                _lastToLength = addressLength;
                _lastToPort = port;
            }

            return _lastTo;
        }

        internal override int SendTo(byte[] buffer, int offset, int count, byte[] address, int addressLength, int port)
        {
            EndPoint to = Target(address, addressLength, port);
            try
            {
                return _socket.SendTo(buffer, offset, count, SocketFlags.None, to);
            }
            catch (SocketException se)
            {
                if (SocketErrors.IsWouldBlock(se))
                {
                    return 0;
                }

                throw SocketErrors.Failure(se, "sending to " + _lastTo.ToString());
            }
        }

        private bool SameTarget(byte[] address, int length, int port)
        {
            if (length != _lastToLength || port != _lastToPort)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (address[i] != _lastToAddress[i])
                {
                    return false;
                }
            }

            return true;
        }

        internal override int ReceiveFrom(byte[] buffer, int offset, int count, byte[] address, out int addressLength, out int port)
        {
            if (_anyFrom == null)
            {
                _anyFrom = new IPEndPoint(_family == AddressFamily.InterNetworkV6 ? SocketAdapter.IPv6Any : IPAddress.Any, 0);
            }

            EndPoint from = _anyFrom;
            int got;
#if NANOFRAMEWORK_1_0
            // No non-blocking mode on the device: read only what is there (see Receive).
            if (!_socket.Poll(0, SelectMode.SelectRead))
            {
                addressLength = 0;
                port = 0;
                return -1;
            }
#endif
            try
            {
                got = _socket.ReceiveFrom(buffer, offset, count, SocketFlags.None, ref from);
            }
            catch (SocketException se)
            {
                if (SocketErrors.IsWouldBlock(se))
                {
                    addressLength = 0;
                    port = 0;
                    return -1;
                }

                throw SocketErrors.Failure(se, "receiving on " + LocalEndPoint);
            }

            IPEndPoint ip = (IPEndPoint)from;
            byte[] a = ip.Address.GetAddressBytes();
            Array.Copy(a, address, a.Length);
            addressLength = a.Length;
            port = ip.Port;
            return got;
        }

        internal override Transport Accept()
        {
            Socket c;
            try
            {
                c = _socket.Accept();
            }
            catch (SocketException se)
            {
                if (SocketErrors.IsWouldBlock(se))
                {
                    return null;
                }

                throw SocketErrors.Failure(se, "accepting on " + LocalEndPoint);
            }

            SetNoDelay(c, _noDelay);
            return new SocketTransport(_adapter, c, _serverCert, _clientCa);
        }

        internal override void Close()
        {
            Socket s;
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                s = _socket;
            }

            if (s != null)
            {
                try
                {
#if !NANOFRAMEWORK_1_0
                    // Desktop .NET closes a TCP socket that another thread is using (the engine's
                    // Select) abortively, with a reset, unless its sending side was shut down first:
                    // a close on a task's thread (the task saw the peer's end itself) must stay an
                    // orderly one. (nanoFramework has no Shutdown, nor that behaviour.)
                    if (!_udp && s.Connected)
                    {
                        try
                        {
                            s.Shutdown(SocketShutdown.Send);
                        }
                        catch (Exception)
                        {
                            // The peer is gone already: Close frees it all the same.
                        }
                    }
#endif
                    s.Close();
                }
                finally
                {
                    _adapter.HandleClosed();
                }
            }

            // Closed above first: that wakes a blocked read. A handshake still running frees its own context.
            TlsSession tls = _tls;
            if (tls != null)
            {
                tls.Dispose();
            }
        }

        internal override string LocalEndPoint
        {
            get
            {
                Socket s = _socket;
                try
                {
                    return s == null || s.LocalEndPoint == null ? null : s.LocalEndPoint.ToString();
                }
                catch (Exception)
                {
                    return null;
                }
            }
        }

        internal override string RemoteEndPoint
        {
            get
            {
                Socket s = _socket;
                try
                {
                    return s == null || s.RemoteEndPoint == null ? null : s.RemoteEndPoint.ToString();
                }
                catch (Exception)
                {
                    return null;
                }
            }
        }
    }
}
