using System;

namespace NanoLibNet
{
    // The core's side of a netc for what blocks natively: the connect (DNS, TCP, TLS handshake)
    // and an accepted client's TLS handshake, each on its own worker thread (ConnectWorkers),
    // and their aborts. A connect job carries its transport and epoch: it reports only while the
    // netc still connects with that transport in that epoch, so a connect that was aborted and
    // replaced ends on its own closed socket and never touches the next one.
    // (A // comment: the public summary of NetCtrl is the one in NetCtrl.cs.)
    public sealed partial class NetCtrl
    {
        private Transport[] _handshakes;
        private int _handshakeCount;

        /// <summary>Sync held: true while the netc connects with this transport in this epoch.</summary>
        private bool IsConnecting(Transport t, int epoch)
        {
            return _state == NetCtrlState.Connecting && Transport == t && _epoch == epoch;
        }

        /// <summary>Worker: runs the blocking connect; reports OnLine unless this connect was aborted or replaced meanwhile.</summary>
        internal void RunConnect(Transport t, int epoch)
        {
            string host;
            int port;
            lock (Sync)
            {
                if (!IsConnecting(t, epoch))
                {
                    // Aborted before it started: the abort closed the transport and reported.
                    return;
                }

                host = _host;
                port = _port;
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
            bool toEngine = false;
            lock (Sync)
            {
                report = IsConnecting(t, epoch);
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

                    // In the same step as the state: it comes before anything raised for the
                    // connection afterwards.
                    toEngine = RaiseLocked(SocketEvent.OnLine, code);
                }
            }

            if (!report || code != NetError.None)
            {
                // Aborted meanwhile (the abort closed it too; closing twice is harmless), or failed.
                t.Close();
            }

            if (toEngine || (report && code == NetError.None))
            {
                // The engine delivers a callback's event, and polls the connection from now on.
                _engine.Request();
            }
        }

        /// <summary>Any thread: aborts a connect under way; its socket is closed, which wakes its worker.</summary>
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
                NewEpochLocked();
                raise = raise && RaiseLocked(SocketEvent.OnLine, code);
            }

            if (t != null)
            {
                t.Close();
            }

            if (raise)
            {
                _engine.Request();
            }

            WakeOwner();
        }

        /// <summary>Link change (any thread): the Link event to a netc that asked; a drop fails what is connected or connecting.</summary>
        internal void OnLinkChanged(bool up)
        {
            bool raise;
            NetCtrlState s;
            lock (Sync)
            {
                raise = _linkArmed;
                _linkArmed = false;
                s = _state;
                raise = raise && RaiseLocked(SocketEvent.Link, up ? NetError.None : NetError.LinkDown);
            }

            if (raise)
            {
                _engine.Request();
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

        /// <summary>Engine: a TLS client of this listener waits for its handshake, on a worker of its own.</summary>
        private void StartHandshake(Transport c)
        {
            lock (Sync)
            {
                if (_handshakes == null)
                {
                    _handshakes = new Transport[AcceptBacklog];
                }

                _handshakes[_handshakeCount++] = c;
            }

            if (!_engine.Workers.StartHandshake(this, c))
            {
                EndHandshake(c, false);
            }
        }

        /// <summary>Worker: runs the handshake of one accepted client; queues it for Accept when it succeeded.</summary>
        internal void RunAcceptHandshake(Transport c)
        {
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
            bool toEngine = false;
            lock (Sync)
            {
                bool found = false;
                for (int i = 0; i < _handshakeCount; i++)
                {
                    if (_handshakes[i] == c)
                    {
                        _handshakes[i] = _handshakes[_handshakeCount - 1];
                        _handshakes[--_handshakeCount] = null;
                        found = true;
                        break;
                    }
                }

                if (found && ok && _state == NetCtrlState.Listening && Transport != null)
                {
                    _acceptQueue[_acceptCount++] = c;
                    queued = true;
                    toEngine = RaiseLocked(SocketEvent.OnLine, NetError.None);
                }
                else if (found)
                {
                    _acceptFailures++;
                }
            }

            if (toEngine)
            {
                _engine.Request();
            }

            if (!queued)
            {
                c.Close();
            }
        }

        /// <summary>Sync held: closes every client still in its handshake (closing wakes its worker, which then drops it).</summary>
        private void DropHandshakesLocked()
        {
            for (int i = 0; i < _handshakeCount; i++)
            {
                _handshakes[i].Close();
                _handshakes[i] = null;
            }

            _handshakeCount = 0;
        }
    }
}
