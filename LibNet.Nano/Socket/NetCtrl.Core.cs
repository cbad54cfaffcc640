using System;

namespace NanoLibNet
{
    // The core's side of a netc (lwIP api_msg.c): what the engine thread does to it: requests,
    // interest, bytes between the socket and the fixed rings, accepting, and the end of a
    // connection. A receive or a ring send runs outside the lock; _rxBusy / _txBusy say one is
    // under way, so the caller's side (NetCtrl.Direct.cs), which may do the same work at once,
    // never overlaps it. (A // comment: the public summary of NetCtrl is the one in NetCtrl.cs.)
    public sealed partial class NetCtrl
    {
        private int _requests;
        private bool _eventArmed;
        private bool _linkArmed;
        private int _closeReason;
        private bool _rxStalled;

        // Bumped by every Close, abort and new connection (NewEpochLocked): events of an ended
        // connection are not posted (Close promises none follows), a stale connect finds itself.
        private int _epoch;
        private Transport[] _acceptQueue;
        private int _acceptCount;

        // The transport a receive is under way on, outside the lock (the engine's, or a caller
        // polling it natively and then reading): nobody else receives meanwhile. Null = none.
        private Transport _rxBusy;

        // The engine prepared a wait without this socket's reads because a caller was polling it
        // (_rxBusy). An engine that waits for readiness (Select) then does not see what comes
        // next until something else wakes it (up to its idle timeout), which is what we want while
        // the task keeps reading its replies itself (no engine wake-up per reply), but not once
        // somebody waits for the engine to see it: see EnsureWatched. Set and read under Sync.
        private bool _readSkipped;

        // The engine sends a ring segment outside the lock: a caller must not send the ring too.
        private bool _txBusy;

        // Bytes of free send ring a LibNet.Tx waits for (0 = none waits): the engine wakes it then.
        private int _txRoomNeed;

        // Queued and sent byte counts of the current connection: LibNet.Tx waits until the sent
        // count reaches the queued count its bytes made (its mark). Both restart at each new
        // connection, so bytes an ended connection dropped can never hold up the next one.
        private long _queuedTotal;
        private long _sentTotal;

        internal bool IsListening { get { return _state == NetCtrlState.Listening; } }

        internal long SentTotal { get { lock (Sync) { return _sentTotal; } } }

        internal int CloseReason { get { return _closeReason; } }

        internal TaskContext Owner { get { return _owner; } }

        private void SetError(int code, string message)
        {
            _lastError = code;
            _lastErrorMessage = message;
        }

        /// <summary>Sync held: a new connection (Connect, Listen) starts from empty rings and counters.</summary>
        private void ResetConnection()
        {
            _rx.Clear();
            _tx.Clear();
            _eventArmed = false;
            _closeReason = 0;
            _rxStalled = false;
            _requests = 0;
            _queuedTotal = 0;
            _sentTotal = 0;
            _txRoomNeed = 0;
            NewEpochLocked();
        }

        /// <summary>
        /// Caller, about to rely on the engine to see this socket's data (a task about to sleep on
        /// its mailbox for an Event, an Event armed, a ring found empty): if the engine left the
        /// socket out of its Select while a caller polled it, give it a turn to watch it again.
        /// One wake-up, only then; a sweeping engine looks at every socket at its next sweep anyway.
        /// </summary>
        internal void EnsureWatched()
        {
            lock (Sync)
            {
                if (!_readSkipped || _rxBusy != null || _adapter.CallerPollSliceMs != 0)
                {
                    return;
                }

                _readSkipped = false;
                _requests |= NetRequest.Kick;
            }

            _engine.Request();
        }

        internal void AddRequest(int bit)
        {
            lock (Sync)
            {
                _requests |= bit;
            }

            _engine.Request();
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
                NewEpochLocked();
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
                _txRoomNeed = 0;
                if (_acceptCount > 0)
                {
                    waiting = _acceptQueue;
                    waitingCount = _acceptCount;
                    _acceptCount = 0;
                }

                DropHandshakesLocked();
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

        /// <summary>Engine: delivers what other threads raised for a callback, then acts on the request bits tasks left.</summary>
        internal void ProcessRequests()
        {
            DeliverOutbox();
            int r;
            Transport t;
            bool finish = false;
            lock (Sync)
            {
                r = _requests;
                _requests = 0;
                t = Transport;
                if (t != null && (r & NetRequest.Discon) != 0 && _state == NetCtrlState.Closing && _tx.Count == 0 && !_txBusy)
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
                            if (_rxBusy == null)
                            {
                                interest = Transport.ReadyRead;
                            }
                            else
                            {
                                _readSkipped = true;
                            }
                        }

                        break;

                    case NetCtrlState.Online:
                    case NetCtrlState.Closing:
                        bool room = _udp ? _rx.Free >= DatagramHeader + MaxDatagram() : _rx.Free > 0;
                        _rxStalled = !room;
                        if (room && _rxBusy == null)
                        {
                            interest |= Transport.ReadyRead;
                        }
                        else if (room)
                        {
                            // A caller polling the socket itself is left alone: it reads what comes,
                            // and the engine's Select does not wake on it as well.
                            _readSkipped = true;
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

        /// <summary>Engine: the listener is readable: take one client into the accept queue (TLS: after its handshake).</summary>
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
            int epoch;
            lock (Sync)
            {
                if (Transport != listener || _state != NetCtrlState.Listening)
                {
                    c.Close();
                    return;
                }

                epoch = _epoch;
                if (!handshake)
                {
                    _acceptQueue[_acceptCount++] = c;
                }
            }

            if (handshake)
            {
                // The client waits for its handshake on a worker, off the engine; it reaches the
                // accept queue (and OnLine is raised) only once that succeeded.
                StartHandshake(c);
            }
            else
            {
                RaiseFor(epoch, SocketEvent.OnLine, NetError.None);
            }
        }

        /// <summary>Engine: the socket is readable: receive straight into the free part of the ring.</summary>
        internal void ReceiveStream(Transport t)
        {
            int offset;
            int len;
            int wrapped;
            lock (Sync)
            {
                if (Transport != t || _rxBusy != null)
                {
                    return;
                }

                len = _rx.WritableSegment(out offset);
                if (len == 0)
                {
                    return;
                }

                wrapped = _rx.Free - len;
                _rxBusy = t;
            }

            int got = -1;
            try
            {
                got = ReceiveOwned(t, offset, len, wrapped);
            }
            finally
            {
                // A failure is thrown on to the engine (Fail); the receive is over either way.
                CommitReceive(t, got, false);
            }
        }

        /// <summary>
        /// Owning the receive (_rxBusy), outside the lock: reads into the ring's free space at
        /// <paramref name="offset"/>, and when that piece filled and more is waiting, on into the
        /// piece that wraps to the front (<paramref name="wrapped"/> bytes): one message, one event.
        /// </summary>
        private int ReceiveOwned(Transport t, int offset, int len, int wrapped)
        {
            int got = t.Receive(_rx.Buffer, offset, len);
            if (got == len && wrapped > 0 && t.MoreWaiting)
            {
                int more = t.Receive(_rx.Buffer, 0, wrapped);
                if (more > 0)
                {
                    got += more;
                }
            }

            return got;
        }

        /// <summary>
        /// After a receive into the ring (engine or caller): frees the receive, counts the bytes,
        /// and raises Event to an armed engine-side waiter; a caller that read the bytes itself
        /// needs no event and takes the arm back. <paramref name="got"/>: bytes, 0 = the peer
        /// closed, -1 = nothing after all (or the receive failed).
        /// </summary>
        private void CommitReceive(Transport t, int got, bool byCaller)
        {
            bool raise = false;
            int epoch;
            lock (Sync)
            {
                if (_rxBusy == t)
                {
                    _rxBusy = null;
                }

                epoch = _epoch;
                if (Transport != t || got < 0)
                {
                    got = -1;
                }
                else if (got > 0)
                {
                    _rx.Commit(got);
                    _bytesIn += got;
                    raise = _eventArmed && !byCaller;
                    if (byCaller)
                    {
                        _eventArmed = false;
                    }
                }
                else if (byCaller)
                {
                    // The caller saw the end itself: it needs no Event for it (Closed still follows).
                    _eventArmed = false;
                }
            }

            if (got < 0)
            {
                return;
            }

            if (got == 0)
            {
                PeerClosed(t);
                return;
            }

            if (raise)
            {
                RaiseFor(epoch, SocketEvent.Event, NetError.None);
            }
        }

        /// <summary>Engine: the socket is writable: send from the ring; TxOk when it drains.</summary>
        internal void SendStream(Transport t)
        {
            int offset;
            int len;
            lock (Sync)
            {
                if (Transport != t || _txBusy)
                {
                    return;
                }

                len = _tx.ReadableSegment(out offset);
                if (len == 0)
                {
                    return;
                }

                _txBusy = true;
            }

            int sent = 0;
            try
            {
                sent = t.Send(_tx.Buffer, offset, len);
            }
            finally
            {
                AfterSend(t, sent, sent);
            }
        }

        /// <summary>
        /// After the engine sent from the ring: <paramref name="taken"/> bytes leave the ring,
        /// <paramref name="sent"/> payload bytes count as sent; TxOk when the ring drained, a
        /// waiting LibNet.Tx woken when it has room, a graceful close finished.
        /// </summary>
        private void AfterSend(Transport t, int taken, int sent)
        {
            bool drained;
            bool finish;
            bool room = false;
            int epoch;
            lock (Sync)
            {
                _txBusy = false;
                if (Transport != t)
                {
                    return;
                }

                epoch = _epoch;
                _tx.Skip(taken);
                _sentTotal += sent;
                _bytesOut += sent;
                drained = taken > 0 && _tx.Count == 0;
                finish = _tx.Count == 0 && _state == NetCtrlState.Closing;
                if (_txRoomNeed > 0 && _tx.Free >= _txRoomNeed)
                {
                    _txRoomNeed = 0;
                    room = true;
                }
            }

            if (drained)
            {
                RaiseFor(epoch, SocketEvent.TxOk, NetError.None);
            }

            if (room)
            {
                WakeOwner();
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
                if (Transport != t || _rxBusy != null)
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
            int epoch;
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

                epoch = _epoch;
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
                RaiseFor(epoch, SocketEvent.Event, NetError.None);
            }
        }

        /// <summary>
        /// Engine: sends the oldest queued datagram (to its address, or the connected peer). It
        /// leaves the ring only once the network took it: a datagram the socket cannot take now
        /// (would block) stays queued for the next writable turn, never lost silently.
        /// </summary>
        internal void SendDatagram(Transport t, byte[] scratch, byte[] address)
        {
            int len;
            int port;
            int alen;
            lock (Sync)
            {
                if (Transport != t || _tx.Count == 0 || _txBusy)
                {
                    return;
                }

                len = PeekDatagramLocked(scratch, address, out alen, out port);
                _txBusy = true;
            }

            int sent = 0;
            try
            {
                sent = alen == 0 ? t.Send(scratch, 0, len) : t.SendTo(scratch, 0, len, address, alen, port);
            }
            finally
            {
                AfterSend(t, sent > 0 ? DatagramHeader + len : 0, sent);
            }
        }

        /// <summary>Sync held: copies the oldest datagram record's payload and target out of the send ring, leaving it there; returns its length.</summary>
        private int PeekDatagramLocked(byte[] payload, byte[] address, out int alen, out int port)
        {
            int len = (_tx.PeekByte(0) << 8) | _tx.PeekByte(1);
            port = (_tx.PeekByte(2) << 8) | _tx.PeekByte(3);
            alen = _tx.PeekByte(4);
            for (int i = 0; i < 16; i++)
            {
                address[i] = (byte)_tx.PeekByte(5 + i);
            }

            _tx.Peek(DatagramHeader, payload, 0, len);
            return len;
        }

        /// <summary>Engine (or the caller that found it): the peer closed (end of stream).</summary>
        private void PeerClosed(Transport t)
        {
            EndConnection(t, NetCtrlState.Closed, NetError.None, null);
        }

        /// <summary>Engine (or the caller whose direct send or receive failed): the connection failed.</summary>
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

                _txRoomNeed = 0;
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
    }
}
