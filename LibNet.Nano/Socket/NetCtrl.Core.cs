using System;
using System.Threading;

namespace NanoLibNet
{
    // The core's side of a netc (lwIP api_msg.c): what the engine thread and the connect
    // workers do to it, and how its events reach the owner. Events are coalesced per kind (one
    // pending bit each, cleared when the message leaves the mailbox); an event the mailbox
    // refuses is remembered (a "missed" bit) and the owner woken anyway, so it is delayed,
    // never lost. Closed and failures are also sticky in State. (A // comment, not ///: the
    // public summary of NetCtrl is the one in NetCtrl.cs; the XML docs keep only one part's.)
    public sealed partial class NetCtrl : IMessageSource
    {
        private int _requests;
        private bool _eventArmed;
        private bool _linkArmed;
        private int _pending;
        private int _missed;
        private readonly int[] _missedStatus = new int[5];
        private int _closeReason;
        private bool _rxStalled;

        // Bumped by every Close and every new connection: events of an ending connection whose
        // netc was closed (or reconnected) meanwhile are not posted (Close promises none follows).
        private int _epoch;
        private Transport[] _acceptQueue;
        private int _acceptCount;
        private Transport[] _handshakes;
        private bool[] _handshakeStarted;
        private int _handshakeCount;

        private long _queuedTotal;
        private long _sentTotal;
        private long _bytesIn;
        private long _bytesOut;
        private long _bytesDropped;
        private int _eventsPosted;
        private int _eventsCoalesced;
        private int _eventsRefused;
        private int _datagramsDropped;
        private int _datagramsTruncated;
        private int _txFullCount;
        private int _acceptFailures;
        private int _lastAcceptError;
        private string _lastAcceptErrorMessage;

        /// <summary>Bytes received into the receive ring since creation.</summary>
        public long BytesIn { get { return _bytesIn; } }

        /// <summary>Bytes handed to the network since creation.</summary>
        public long BytesOut { get { return _bytesOut; } }

        /// <summary>Queued or received bytes thrown away by a close or a failure (unsent plus unread).</summary>
        public long BytesDropped { get { return _bytesDropped; } }

        /// <summary>Events queued in the owner's mailbox (or given to the callback).</summary>
        public int EventsPosted { get { return _eventsPosted; } }

        /// <summary>Events not queued because one of the same kind was still unread.</summary>
        public int EventsCoalesced { get { return _eventsCoalesced; } }

        /// <summary>Events the owner's mailbox refused (full); each is still seen by the blocking calls.</summary>
        public int EventsRefused { get { return _eventsRefused; } }

        /// <summary>Datagrams dropped because the receive ring had no room for them.</summary>
        public int DatagramsDropped { get { return _datagramsDropped; } }

        /// <summary>Datagrams cut because the caller's buffer was shorter.</summary>
        public int DatagramsTruncated { get { return _datagramsTruncated; } }

        /// <summary>Tx calls that found the send ring full.</summary>
        public int TxFullCount { get { return _txFullCount; } }

        /// <summary>Clients a listener lost: they left before they were taken, or (TLS) their handshake failed or timed out.</summary>
        public int AcceptFailures { get { return _acceptFailures; } }

        /// <summary>Why the last client of this listener was refused (a <see cref="NetError"/> code; TLS handshake), 0 = none yet.</summary>
        public int LastAcceptError { get { return _lastAcceptError; } }

        /// <summary>The last refused client's failure in words, or null.</summary>
        public string LastAcceptErrorMessage { get { return _lastAcceptErrorMessage; } }

        /// <summary>Bytes waiting in the receive ring.</summary>
        public int RxPending { get { lock (Sync) { return _rx == null ? 0 : _rx.Count; } } }

        /// <summary>Bytes waiting in the send ring.</summary>
        public int TxPending { get { lock (Sync) { return _tx == null ? 0 : _tx.Count; } } }

        /// <summary>Clients waiting to be accepted.</summary>
        public int AcceptPending { get { lock (Sync) { return _acceptCount; } } }

        internal bool IsListening { get { return _state == NetCtrlState.Listening; } }

        internal long SentTotal { get { lock (Sync) { return _sentTotal; } } }

        internal int CloseReason { get { return _closeReason; } }

        internal TaskContext Owner { get { return _owner; } }

        private void SetError(int code, string message)
        {
            _lastError = code;
            _lastErrorMessage = message;
        }

        private void ResetConnection()
        {
            _rx.Clear();
            _tx.Clear();
            _eventArmed = false;
            _closeReason = 0;
            _rxStalled = false;
            _requests = 0;
            _epoch++;
        }

        internal void AddRequest(int bit)
        {
            lock (Sync)
            {
                _requests |= bit;
            }

            _engine.Request();
        }

        // ---- events -------------------------------------------------------------------------

        private static int Bit(int id)
        {
            return 1 << (id - SocketEvent.Link);
        }

        /// <summary>Posts an event to the owner (coalesced) or calls the callback.</summary>
        internal void Raise(int id, int status)
        {
            MessageHandler cb = _callback;
            if (cb != null)
            {
                Interlocked.Increment(ref _eventsPosted);
                cb(new TaskMessage(id, status, this, null));
                return;
            }

            TaskContext owner = _owner;
            if (owner == null)
            {
                return;
            }

            int bit = Bit(id);
            lock (Sync)
            {
                if ((_pending & bit) != 0)
                {
                    _eventsCoalesced++;
                    return;
                }

                _pending |= bit;
            }

            if (owner.Mailbox.Post(id, status, this, null))
            {
                Interlocked.Increment(ref _eventsPosted);
                return;
            }

            lock (Sync)
            {
                _pending &= ~bit;
                _missed |= bit;
                _missedStatus[id - SocketEvent.Link] = status;
                _eventsRefused++;
            }

            owner.Mailbox.Wake();
        }

        /// <summary>The mailbox let go of one of our messages: the next of that kind may be queued.</summary>
        void IMessageSource.OnMessageTaken(int id)
        {
            int k = id - SocketEvent.Link;
            if (k < 0 || k > 4)
            {
                return;
            }

            lock (Sync)
            {
                _pending &= ~(1 << k);
            }
        }

        /// <summary>Takes a refused event of this kind, if one is remembered.</summary>
        internal bool TakeMissed(int id, out int status)
        {
            int bit = Bit(id);
            lock (Sync)
            {
                if ((_missed & bit) == 0)
                {
                    status = 0;
                    return false;
                }

                _missed &= ~bit;
                status = _missedStatus[id - SocketEvent.Link];
                return true;
            }
        }

        // ---- link ---------------------------------------------------------------------------

        internal void OnLinkChanged(bool up)
        {
            bool raise;
            NetCtrlState s;
            lock (Sync)
            {
                raise = _linkArmed;
                _linkArmed = false;
                s = _state;
            }

            if (raise)
            {
                Raise(SocketEvent.Link, up ? NetError.None : NetError.LinkDown);
            }

            if (!up)
            {
                if (s == NetCtrlState.Connecting)
                {
                    Abort(NetError.LinkDown, "the network link went down", true);
                }
                else if (s == NetCtrlState.Online || s == NetCtrlState.Listening || s == NetCtrlState.Closing)
                {
                    AddRequest(NetRequest.LinkDown);
                }
            }
        }

        // ---- connect (worker thread) --------------------------------------------------------

        /// <summary>Worker: runs the blocking connect; reports OnLine unless the connect was aborted meanwhile.</summary>
        internal void RunConnect()
        {
            Transport t;
            string host;
            int port;
            bool listening;
            lock (Sync)
            {
                // A listener's job is the handshake of one accepted client.
                listening = _state == NetCtrlState.Listening;
                if (!listening && (_state != NetCtrlState.Connecting || Transport == null))
                {
                    return;
                }

                t = Transport;
                host = _host;
                port = _port;
            }

            if (listening)
            {
                RunAcceptHandshake();
                return;
            }

            int code = NetError.None;
            string message = null;
            try
            {
                t.Connect(host, port, this);
            }
            catch (Exception ex)
            {
                code = _adapter.MapError(ex);
                if (code == NetError.None)
                {
                    code = NetError.Failed;
                }

                message = ex.Message;
            }

            bool report;
            lock (Sync)
            {
                report = _state == NetCtrlState.Connecting && Transport == t;
                if (report)
                {
                    if (code == NetError.None)
                    {
                        _state = NetCtrlState.Online;
                    }
                    else
                    {
                        _state = NetCtrlState.Error;
                        Transport = null;
                        SetError(code, message);
                    }
                }
            }

            if (!report || code != NetError.None)
            {
                // Aborted (deadline, Close, link down): the abort already closed it and reported.
                t.Close();
            }

            if (report)
            {
                Raise(SocketEvent.OnLine, code);
                if (code == NetError.None)
                {
                    _engine.Request();
                }
            }
        }

        /// <summary>Aborts a connect under way: the socket is closed, which wakes the worker.</summary>
        internal void Abort(int code, string message, bool raise)
        {
            Transport t;
            lock (Sync)
            {
                if (_state != NetCtrlState.Connecting)
                {
                    return;
                }

                t = Transport;
                Transport = null;
                _state = NetCtrlState.Error;
                SetError(code, message);
            }

            if (t != null)
            {
                t.Close();
            }

            if (raise)
            {
                Raise(SocketEvent.OnLine, code);
            }

            WakeOwner();
        }

        private void WakeOwner()
        {
            TaskContext owner = _owner;
            if (owner != null)
            {
                owner.Mailbox.Wake();
            }
        }

        // ---- close --------------------------------------------------------------------------

        private void CloseCore(NetCtrlState final)
        {
            Transport t;
            Transport[] waiting = null;
            int waitingCount = 0;
            bool wasActive;
            lock (Sync)
            {
                if (_state == NetCtrlState.Released)
                {
                    return;
                }

                wasActive = IsActive(_state);
                t = Transport;
                Transport = null;
                _state = final;
                _epoch++;
                if (wasActive)
                {
                    _closeReason = NetError.Aborted;
                }

                if (_rx != null)
                {
                    _bytesDropped += _rx.Count + _tx.Count;
                    _rx.Clear();
                    _tx.Clear();
                }

                _eventArmed = false;
                if (_acceptCount > 0)
                {
                    waiting = _acceptQueue;
                    waitingCount = _acceptCount;
                    _acceptCount = 0;
                }

                for (int i = 0; i < _handshakeCount; i++)
                {
                    // Closing wakes the worker that handshakes it; not finding it here, that worker drops it.
                    _handshakes[i].Close();
                    _handshakes[i] = null;
                }

                _handshakeCount = 0;
            }

            if (t != null)
            {
                t.Close();
            }

            for (int i = 0; i < waitingCount; i++)
            {
                waiting[i].Close();
                waiting[i] = null;
            }

            if (wasActive || final == NetCtrlState.Released)
            {
                // Any blocking call waiting on this netc (from another task) looks at the state and
                // ends; a release also ends a WaitLink on an idle netc.
                WakeOwner();
            }
        }

        // ---- engine thread --------------------------------------------------------------------

        /// <summary>Engine: acts on the request bits tasks left.</summary>
        internal void ProcessRequests()
        {
            int r;
            Transport t;
            bool finish = false;
            lock (Sync)
            {
                r = _requests;
                _requests = 0;
                t = Transport;
                if (t != null && (r & NetRequest.Discon) != 0 && _state == NetCtrlState.Closing && _tx.Count == 0)
                {
                    finish = true;
                }
            }

            if (t == null)
            {
                return;
            }

            if ((r & NetRequest.LinkDown) != 0)
            {
                Fail(t, NetError.LinkDown, "the network link went down");
                return;
            }

            if (finish)
            {
                FinishClose(t);
            }
        }

        /// <summary>Engine: sets what this netc's socket waits for; null when nothing.</summary>
        internal Transport PrepareInterest()
        {
            lock (Sync)
            {
                Transport t = Transport;
                if (t == null)
                {
                    return null;
                }

                int interest = 0;
                switch (_state)
                {
                    case NetCtrlState.Listening:
                        if (_acceptCount + _handshakeCount < AcceptBacklog)
                        {
                            interest = Transport.ReadyRead;
                        }

                        break;

                    case NetCtrlState.Online:
                    case NetCtrlState.Closing:
                        bool room = _udp ? _rx.Free >= DatagramHeader + MaxDatagram() : _rx.Free > 0;
                        _rxStalled = !room;
                        if (room)
                        {
                            interest |= Transport.ReadyRead;
                        }

                        if (_tx.Count > 0)
                        {
                            interest |= Transport.ReadyWrite;
                        }

                        break;
                }

                t.Interest = interest;
                return interest == 0 ? null : t;
            }
        }

        // The largest datagram the engine waits for room for: a full Ethernet payload, or the ring.
        private int MaxDatagram()
        {
            int ring = _rx.Capacity - DatagramHeader;
            return ring < 1472 ? ring : 1472;
        }

        /// <summary>Engine: the listener is readable: take one client into the accept queue.</summary>
        internal void AcceptOne(Transport listener)
        {
            Transport c;
            try
            {
                c = listener.Accept();
            }
            catch (Exception)
            {
                // The client left between readiness and accept; the listener is fine.
                lock (Sync)
                {
                    _acceptFailures++;
                }

                return;
            }

            if (c == null)
            {
                return;
            }

            bool handshake = c.NeedsHandshake;
            lock (Sync)
            {
                if (Transport != listener || _state != NetCtrlState.Listening)
                {
                    c.Close();
                    return;
                }

                if (!handshake)
                {
                    _acceptQueue[_acceptCount++] = c;
                }
                else
                {
                    // TLS: the client waits for its handshake on a worker, off the engine; it
                    // reaches the accept queue (and OnLine is raised) only once that succeeded.
                    if (_handshakes == null)
                    {
                        _handshakes = new Transport[AcceptBacklog];
                        _handshakeStarted = new bool[AcceptBacklog];
                    }

                    _handshakeStarted[_handshakeCount] = false;
                    _handshakes[_handshakeCount++] = c;
                }
            }

            if (!handshake)
            {
                Raise(SocketEvent.OnLine, NetError.None);
            }
            else if (!_engine.Workers.Enqueue(this))
            {
                EndHandshake(c, false);
            }
        }

        /// <summary>Worker: runs the handshake of one accepted client; queues it for Accept when it succeeded.</summary>
        private void RunAcceptHandshake()
        {
            Transport c = null;
            lock (Sync)
            {
                for (int i = 0; i < _handshakeCount; i++)
                {
                    if (!_handshakeStarted[i])
                    {
                        _handshakeStarted[i] = true;
                        c = _handshakes[i];
                        break;
                    }
                }
            }

            if (c == null)
            {
                return;
            }

            bool ok = true;
            try
            {
                c.Handshake();
            }
            catch (Exception ex)
            {
                ok = false;
                lock (Sync)
                {
                    _lastAcceptError = _adapter.MapError(ex);
                    _lastAcceptErrorMessage = ex.Message;
                }
            }

            EndHandshake(c, ok);
        }

        // Takes a client out of the handshakes; into the accept queue if it succeeded and the listener still listens.
        private void EndHandshake(Transport c, bool ok)
        {
            bool queued = false;
            lock (Sync)
            {
                bool found = false;
                for (int i = 0; i < _handshakeCount; i++)
                {
                    if (_handshakes[i] == c)
                    {
                        _handshakes[i] = _handshakes[_handshakeCount - 1];
                        _handshakeStarted[i] = _handshakeStarted[_handshakeCount - 1];
                        _handshakes[--_handshakeCount] = null;
                        found = true;
                        break;
                    }
                }

                if (found && ok && _state == NetCtrlState.Listening && Transport != null)
                {
                    _acceptQueue[_acceptCount++] = c;
                    queued = true;
                }
                else if (found)
                {
                    _acceptFailures++;
                }
            }

            if (queued)
            {
                Raise(SocketEvent.OnLine, NetError.None);
                _engine.Request();
            }
            else
            {
                c.Close();
            }
        }

        /// <summary>Engine: the socket is readable: receive straight into the free part of the ring.</summary>
        internal void ReceiveStream(Transport t)
        {
            int offset;
            int len;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                len = _rx.WritableSegment(out offset);
            }

            if (len == 0)
            {
                return;
            }

            int got = t.Receive(_rx.Buffer, offset, len);
            if (got < 0)
            {
                return;
            }

            if (got == 0)
            {
                PeerClosed(t);
                return;
            }

            bool raise;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                _rx.Commit(got);
                _bytesIn += got;
                raise = _eventArmed;
                _eventArmed = false;
            }

            if (raise)
            {
                Raise(SocketEvent.Event, NetError.None);
            }
        }

        /// <summary>Engine: the socket is writable: send from the ring; TxOk when it drains.</summary>
        internal void SendStream(Transport t)
        {
            int offset;
            int len;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                len = _tx.ReadableSegment(out offset);
            }

            if (len == 0)
            {
                return;
            }

            int sent = t.Send(_tx.Buffer, offset, len);
            AfterSend(t, sent);
        }

        private void AfterSend(Transport t, int sent)
        {
            bool drained;
            bool finish;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                if (!_udp)
                {
                    _tx.Skip(sent);
                }

                _sentTotal += sent;
                _bytesOut += sent;
                drained = _tx.Count == 0;
                finish = drained && _state == NetCtrlState.Closing;
            }

            if (drained)
            {
                Raise(SocketEvent.TxOk, NetError.None);
            }

            if (finish)
            {
                FinishClose(t);
            }
        }

        /// <summary>Engine: one datagram in, with its sender, as a record in the ring (or dropped and counted).</summary>
        internal void ReceiveDatagram(Transport t, byte[] scratch, byte[] address)
        {
            int alen;
            int port;
            int cap;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                cap = _rx.Capacity;
            }

            int got = t.ReceiveFrom(scratch, 0, cap, address, out alen, out port);
            if (got < 0)
            {
                return;
            }

            bool raise;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                if (got + DatagramHeader > _rx.Free)
                {
                    _datagramsDropped++;
                    return;
                }

                _rx.WriteUInt16(got);
                _rx.WriteUInt16(port);
                _rx.WriteByte(alen);
                for (int i = 0; i < 16; i++)
                {
                    _rx.WriteByte(i < alen ? address[i] : 0);
                }

                _rx.Write(scratch, 0, got);
                _bytesIn += got;
                raise = _eventArmed;
                _eventArmed = false;
            }

            if (raise)
            {
                Raise(SocketEvent.Event, NetError.None);
            }
        }

        /// <summary>Engine: sends the oldest queued datagram (to its address, or the connected peer).</summary>
        internal void SendDatagram(Transport t, byte[] scratch, byte[] address)
        {
            int len;
            int port;
            int alen;
            lock (Sync)
            {
                if (Transport != t || _tx.Count == 0)
                {
                    return;
                }

                len = (_tx.PeekByte(0) << 8) | _tx.PeekByte(1);
                port = (_tx.PeekByte(2) << 8) | _tx.PeekByte(3);
                alen = _tx.PeekByte(4);
                for (int i = 0; i < 16; i++)
                {
                    address[i] = (byte)_tx.PeekByte(5 + i);
                }

                _tx.Skip(DatagramHeader);
                _tx.Read(scratch, 0, len);
            }

            // The record left the ring before the send: a failed datagram is not retried (UDP),
            // and the failure is reported through Fail like any other.
            int sent = alen == 0 ? t.Send(scratch, 0, len) : t.SendTo(scratch, 0, len, address, alen, port);
            AfterSend(t, sent);
        }

        /// <summary>Engine: the peer closed (end of stream).</summary>
        private void PeerClosed(Transport t)
        {
            EndConnection(t, NetCtrlState.Closed, NetError.None, null);
        }

        /// <summary>Engine (or a worker): the connection failed.</summary>
        internal void Fail(Transport t, int code, string message)
        {
            if (code == NetError.None)
            {
                code = NetError.Failed;
            }

            EndConnection(t, NetCtrlState.Error, code, message);
        }

        /// <summary>Engine: Discon finished sending; close and report.</summary>
        private void FinishClose(Transport t)
        {
            EndConnection(t, NetCtrlState.Closed, NetError.None, null);
        }

        private void EndConnection(Transport t, NetCtrlState final, int code, string message)
        {
            bool armed;
            bool hadTx;
            bool wasListening;
            int epoch;
            lock (Sync)
            {
                if (Transport != t)
                {
                    return;
                }

                // Taken off the netc now, closed (outside the lock: a transport may take locks of its
                // own) before the state says so: a task that sees Closed (LibNet.Close) finds it freed.
                epoch = _epoch;
                Transport = null;
            }

            t.Close();
            lock (Sync)
            {
                if (_epoch != epoch)
                {
                    // Closed or released meanwhile: that set the state; no event follows a Close.
                    return;
                }

                wasListening = _state == NetCtrlState.Listening;
                _state = final;
                if (code != NetError.None)
                {
                    SetError(code, message);
                }

                _closeReason = code;
                armed = _eventArmed;
                _eventArmed = false;
                hadTx = _tx.Count > 0;
                if (hadTx)
                {
                    _bytesDropped += _tx.Count;
                    _tx.Clear();
                }
            }

            if (armed)
            {
                RaiseFor(epoch, SocketEvent.Event, code);
            }

            if (hadTx)
            {
                RaiseFor(epoch, SocketEvent.TxOk, code == NetError.None ? NetError.NotConnected : code);
            }

            if (wasListening)
            {
                RaiseFor(epoch, SocketEvent.OnLine, code);
            }

            RaiseFor(epoch, SocketEvent.Closed, code);
            WakeOwner();
        }

        /// <summary>
        /// Raises an event of the connection <paramref name="epoch"/> unless the netc was closed or
        /// reconnected since: a task that saw the state change (LibNet.Close) has already closed it
        /// and purged its mailbox, and a late post would reach its next call. For a task the check
        /// and the post are one step under the lock; a callback runs outside it.
        /// </summary>
        private void RaiseFor(int epoch, int id, int status)
        {
            lock (Sync)
            {
                if (_epoch != epoch)
                {
                    return;
                }

                if (_callback == null)
                {
                    Raise(id, status);
                    return;
                }
            }

            Raise(id, status);
        }
    }
}
