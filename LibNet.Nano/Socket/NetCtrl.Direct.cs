using System;

namespace NanoLibNet
{
    // The caller's side doing the engine's work at once, where that cannot block (lwIP's
    // LWIP_TCPIP_CORE_LOCKING: the caller takes the core lock and runs the operation itself;
    // only what must wait goes through the engine). Three things:
    // - send: under the netc's lock, the send ring's bytes and then the caller's own go straight
    //   to the socket while it takes them without blocking; the rest is queued for the engine.
    //   Byte order holds: the caller sends its own bytes only once the ring is empty, and never
    //   while the engine sends from the ring (_txBusy).
    // - wait for data (adapters whose callers poll, i.e. the device): the blocked task polls its
    //   own socket natively, which wakes at once when data comes, in slices so it still sees its
    //   mailbox; on a plain TCP socket it then reads into the ring itself (no hand-off at all);
    //   otherwise (UDP, TLS, a listener) it wakes the engine, whose turn then finds the socket
    //   ready and reads it (the engine never reads a socket it has not seen ready itself: on the
    //   device a read of a socket with nothing in it blocks).
    // - wait for room to send (same adapters): it polls its socket for writability natively.
    // (A // comment: the public summary of NetCtrl is the one in NetCtrl.cs.)
    public sealed partial class NetCtrl
    {
        /// <summary>
        /// Sync held, caller: sends the ring's bytes (only with <paramref name="flushRing"/>: the
        /// caller waits for the socket itself, or its tasks poll; and unless the engine is sending
        /// them) and then <paramref name="count"/> bytes of <paramref name="data"/>, while the
        /// socket takes them at once. Returns how many of <paramref name="data"/> went out; a failure is handed back
        /// in <paramref name="failure"/> (the caller fails the connection outside the lock).
        /// </summary>
        private int SendNowLocked(Transport t, byte[] data, int offset, int count, bool flushRing, ref Exception failure, ref bool drained)
        {
            if (t == null || !t.CanSendDirect || _txBusy)
            {
                return 0;
            }

            if (_tx.Count > 0 && !flushRing)
            {
                // Bytes are queued and the engine sends them (it was asked to): queue behind them
                // rather than try the socket once per call.
                return 0;
            }

            try
            {
                if (_tx.Count > 0)
                {
                    while (_tx.Count > 0)
                    {
                        int off;
                        int len = _tx.ReadableSegment(out off);
                        int n = t.TrySend(_tx.Buffer, off, len);
                        if (n <= 0)
                        {
                            return 0;
                        }

                        _tx.Skip(n);
                        _sentTotal += n;
                        _bytesOut += n;
                    }

                    // What an earlier Tx queued is all out: its TxOk follows, as if the engine had sent it.
                    drained = true;
                }

                int sent = 0;
                while (sent < count)
                {
                    int n = t.TrySend(data, offset + sent, count - sent);
                    if (n <= 0)
                    {
                        break;
                    }

                    sent += n;
                }

                _queuedTotal += sent;
                _sentTotal += sent;
                _bytesOut += sent;
                return sent;
            }
            catch (Exception ex)
            {
                failure = ex;
                return 0;
            }
        }

        /// <summary>Sync held, caller: sends one datagram straight to the socket when nothing is queued before it; true when it went out.</summary>
        private bool SendDatagramNowLocked(Transport t, byte[] data, int offset, int count, int addressLength, int port, ref Exception failure)
        {
            if (t == null || !t.CanSendDirect || _txBusy || _tx.Count > 0)
            {
                return false;
            }

            try
            {
                if (t.TrySendTo(data, offset, count, _txAddress, addressLength, port) <= 0)
                {
                    return false;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
                return false;
            }

            _queuedTotal += count;
            _sentTotal += count;
            _bytesOut += count;
            return true;
        }

        /// <summary>
        /// Caller (LibNet.Tx): takes as much of the bytes as it can now: straight to the socket,
        /// then, unless the caller waits for the socket itself, into the free part of the send
        /// ring. Returns how many were taken, or -1 when the netc is not connected or failed
        /// (LastError says why). <paramref name="mark"/>: the queued count the last of them makes.
        /// </summary>
        internal int TxSome(byte[] data, int offset, int count, out long mark)
        {
            Transport t;
            Exception failure = null;
            bool drained = false;
            bool kick = false;
            int taken;
            int epoch;
            lock (Sync)
            {
                ThrowIfReleased();
                EnsureRings();
                mark = _queuedTotal;
                if (_state != NetCtrlState.Online)
                {
                    NotConnectedLocked("Tx");
                    return -1;
                }

                t = Transport;
                epoch = _epoch;
                taken = SendNowLocked(t, data, offset, count, CallerWaitsToSend(t), ref failure, ref drained);
                if (failure == null && taken < count && !CallerWaitsToSend(t))
                {
                    int k = count - taken;
                    if (k > _tx.Free)
                    {
                        k = _tx.Free;
                    }

                    if (k > 0)
                    {
                        _tx.Write(data, offset + taken, k);
                        _queuedTotal += k;
                        taken += k;
                        _requests |= NetRequest.Kick;
                        kick = true;
                    }
                }

                mark = _queuedTotal;
            }

            if (failure != null)
            {
                Fail(t, _adapter.MapError(failure), failure.Message);
                return -1;
            }

            AfterCallerSend(epoch, drained, kick);
            return taken;
        }

        /// <summary>After a caller's send: the TxOk an earlier Tx is owed, and the engine's turn for what was queued.</summary>
        private void AfterCallerSend(int epoch, bool drained, bool kick)
        {
            if (drained)
            {
                RaiseFor(epoch, SocketEvent.TxOk, NetError.None);
            }

            if (kick)
            {
                _engine.Request();
            }
        }

        /// <summary>Sync held: true when the caller itself waits for the socket to take more (its adapter's tasks poll natively), so nothing is queued for the engine.</summary>
        private bool CallerWaitsToSend(Transport t)
        {
            return t != null && t.CanPoll && t.CanSendDirect && _adapter.CallerWritePollMs > 0;
        }

        /// <summary>Sync held: a Tx on a netc that is not connected. A failure keeps its own reason; otherwise NotConnected.</summary>
        private void NotConnectedLocked(string what)
        {
            if (_state != NetCtrlState.Error || _lastError == NetError.None)
            {
                SetError(NetError.NotConnected, what + " needs a connected netc (it is " + StateName(_state) + ")");
            }
        }

        /// <summary>
        /// Caller (LibNet.Tx waiting for room): 1 = try again now (room, or the state changed);
        /// 0 = wait: the engine wakes the owner once <paramref name="need"/> bytes of the ring
        /// are free; 2 = poll <paramref name="pollWrite"/> natively until it is writable.
        /// </summary>
        internal int RoomState(int need, out Transport pollWrite)
        {
            lock (Sync)
            {
                pollWrite = null;
                Transport t = Transport;
                if (_state != NetCtrlState.Online || t == null)
                {
                    return 1;
                }

                if (_tx.Count == 0 && CallerWaitsToSend(t))
                {
                    pollWrite = t;
                    return 2;
                }

                if (_tx.Free >= need && !_txBusy)
                {
                    return 1;
                }

                _txRoomNeed = need;
                return 0;
            }
        }

        /// <summary>Caller: stops waiting for room (its deadline passed).</summary>
        internal void DisarmRoom()
        {
            lock (Sync)
            {
                _txRoomNeed = 0;
            }
        }

        /// <summary>
        /// Caller (LibNet.Wait and LibNet.Listen on an adapter whose callers poll): waits
        /// natively, at most <paramref name="microseconds"/>, for the socket to be readable, then has
        /// it read. Returns 1 when something happened (data in the ring, the end, a failure, a
        /// close: look at the state again), 0 when the slice passed with nothing, -1 when the
        /// caller cannot poll it now (the engine reads it, or was asked to: wait for its event).
        /// </summary>
        internal int PollRead(int microseconds)
        {
            Transport t;
            bool listening;
            lock (Sync)
            {
                t = Transport;
                listening = _state == NetCtrlState.Listening;
                if (t == null || !t.CanPoll || _rxBusy != null || !(listening || _state == NetCtrlState.Online || _state == NetCtrlState.Closing))
                {
                    return -1;
                }

                if (!listening && (_udp ? _rx.Free < DatagramHeader + MaxDatagram() : _rx.Free == 0))
                {
                    return -1;
                }

                if (t.HasBufferedData)
                {
                    // Bytes already decrypted wait in the TLS session (the socket would not say so):
                    // the engine's next turn reads them.
                    _requests |= NetRequest.Kick;
                    t = null;
                }
                else
                {
                    _rxBusy = t;
                }
            }

            if (t == null)
            {
                _engine.Request();
                return -1;
            }

            bool ready;
            try
            {
                ready = t.Poll(microseconds, false);
            }
            catch (Exception)
            {
                // Closed meanwhile (by Close, Release or a failure): the state says what happened.
                CommitReceive(t, -1, true);
                return 1;
            }

            if (!ready)
            {
                CommitReceive(t, -1, true);
                return 0;
            }

            if (listening || !t.CanReceiveDirect)
            {
                CommitReceive(t, -1, true);
                AddRequest(NetRequest.Kick);
                return -1;
            }

            return ReceiveNow(t);
        }

        /// <summary>Caller, owning the receive (_rxBusy): the socket is readable: read into the ring here.</summary>
        private int ReceiveNow(Transport t)
        {
            int offset = 0;
            int len = 0;
            int wrapped = 0;
            lock (Sync)
            {
                if (Transport == t)
                {
                    len = _rx.WritableSegment(out offset);
                    wrapped = _rx.Free - len;
                }
            }

            if (len == 0)
            {
                CommitReceive(t, -1, true);
                return 1;
            }

            int got = -1;
            Exception failure = null;
            try
            {
                got = ReceiveOwned(t, offset, len, wrapped);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            CommitReceive(t, got, true);
            if (failure != null)
            {
                Fail(t, _adapter.MapError(failure), failure.Message);
            }

            return 1;
        }
    }
}
