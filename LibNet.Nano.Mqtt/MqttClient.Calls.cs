using System;

namespace NanoLibNet.Mqtt
{
    // The blocking calls. Each: check the arguments (throw before anything is sent), Enter (the
    // right task; the previous message released), then network work bounded by one deadline.
    public sealed partial class MqttClient
    {
        /// <summary>
        /// Connects to the broker and sends CONNECT (client id, clean session, keepalive, will,
        /// user name and password as set on the client); true once the broker accepted it
        /// (CONNACK 0). With <see cref="CleanSession"/> false, the QoS 1 messages still waiting
        /// for their PUBACK are then resent with DUP. A refused connect returns false with
        /// <see cref="MqttError.Refused"/> and the reason in <see cref="ConnectReturnCode"/>.
        /// </summary>
        /// <param name="timeout">Milliseconds for DNS, TCP, TLS and CONNACK together; 0 or -1 = forever.</param>
        /// <param name="host">Broker host name or IP literal.</param>
        /// <param name="port">Broker port (1883 plain, 8883 TLS by convention).</param>
        /// <returns>True when connected.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="host"/> or <see cref="ClientId"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad port or timeout, or a CONNECT packet larger than the receive buffer.</exception>
        /// <exception cref="ArgumentException">An invalid client id (too long, empty with a kept session), or a password without a user name.</exception>
        /// <exception cref="InvalidOperationException">Already connected, or called from another thread than the client's task.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public bool Connect(int timeout, string host, int port)
        {
            if (host == null)
            {
                throw new ArgumentNullException("host");
            }

            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException("port", "port must be 1 to 65535");
            }

            int size = ConnectPacketSize();
            if (size > _rx.Length)
            {
                throw new ArgumentOutOfRangeException("rxBufferSize", "the CONNECT packet (" + size + " bytes: client id, will, user name, password) does not fit in the receive buffer (" + _rx.Length + " bytes)");
            }

            Enter(timeout);
            if (_connected)
            {
                throw new InvalidOperationException("already connected: Disconnect first");
            }

            long deadline = _clock.DeadlineAfter(timeout);
            _connectReturnCode = 0;
            _sessionPresent = false;
            CloseNet();
            ResetReceive();
            _net.Config(0, false, Tls, 0, 0, 0, CaCert, ClientCert, ClientKey, ClientKeyPassword, NetRxBufferSize, NetTxBufferSize);
            int ms = _clock.MsLeft(deadline);
            if (ms == 0)
            {
                _lastError = MqttError.Timeout;
                return false;
            }

            if (!LibNet.Connect(_task, ms, _net, host, port))
            {
                _lastError = _net.LastError == NanoLibNet.NetError.Timeout ? MqttError.Timeout : MqttError.Network;
                CloseNet();
                return false;
            }

            // The receive buffer is empty until CONNACK: it holds the CONNECT while it is sent.
            int n = WriteConnect(_rx);
            if (Send(_rx, 0, n, deadline, false) != SendOk)
            {
                CloseNet();
                return false;
            }
            int r = Pump(deadline, WantConnAck, 0);
            if (r != Found)
            {
                if (r == TimedOut)
                {
                    _lastError = MqttError.Timeout;
                }

                CloseNet();
                return false;
            }

            if (_connectReturnCode != MqttConnectReturnCode.Accepted)
            {
                _lastError = MqttError.Refused;
                CloseNet();
                return false;
            }

            _connected = true;
            long now = _clock.Now;
            _lastRx = now;
            _lastTx = now;
            _pingSent = 0;
            if (_cleanSession)
            {
                _out.Clear();
                return true;
            }

            return Resend(deadline);
        }

        /// <summary>
        /// Publishes a message and waits until it is delivered to the broker: QoS 0 when it is
        /// handed to the network, QoS 1 when its PUBACK came. A QoS 1 message whose PUBACK does not
        /// come in time stays in flight (false, <see cref="MqttError.Timeout"/>): it is resent with
        /// DUP after a reconnect with a kept session, or acknowledged during a later call.
        /// QoS 0 payloads may be of any size; a QoS 1 packet (payload + topic + 4 to 7 bytes) must
        /// fit in the send store.
        /// </summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="topic">Topic name (no wildcards).</param>
        /// <param name="payload">The message bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many.</param>
        /// <param name="qos">0 or 1.</param>
        /// <param name="retain">Ask the broker to retain it for future subscribers.</param>
        /// <returns>True when delivered; false on failure or timeout (<see cref="LastError"/>).</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentException">An invalid topic name.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad offset/count/timeout, a QoS 1 packet larger than the send store, or QoS outside 0..2.</exception>
        /// <exception cref="NotSupportedException">QoS 2.</exception>
        /// <exception cref="InvalidOperationException">Called from another thread than the client's task.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public bool Publish(int timeout, string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            int id;
            return PublishCore(timeout, topic, payload, offset, count, qos, retain, true, out id);
        }

        /// <summary>Publishes all of <paramref name="payload"/>; see <see cref="Publish(int, string, byte[], int, int, int, bool)"/>.</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="topic">Topic name (no wildcards).</param>
        /// <param name="payload">The message bytes.</param>
        /// <param name="qos">0 or 1.</param>
        /// <param name="retain">Ask the broker to retain it.</param>
        /// <returns>True when delivered.</returns>
        public bool Publish(int timeout, string topic, byte[] payload, int qos, bool retain)
        {
            if (payload == null)
            {
                throw new ArgumentNullException("payload");
            }

            int id;
            return PublishCore(timeout, topic, payload, 0, payload.Length, qos, retain, true, out id);
        }

        /// <summary>
        /// Publishes without waiting for the PUBACK (M2Mqtt's and LuatOS's <c>publish</c>): returns
        /// once the message is handed to the network; a QoS 1 message stays in the in-flight table
        /// until its PUBACK is taken by a later call (<see cref="Loop"/>, <see cref="Flush"/>, ...).
        /// When the table is full it first waits, within the deadline, for a slot to free
        /// (<see cref="MqttError.InflightFull"/> if none does). Pipelines QoS 1 messages.
        /// </summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="topic">Topic name (no wildcards).</param>
        /// <param name="payload">The message bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many.</param>
        /// <param name="qos">0 or 1.</param>
        /// <param name="retain">Ask the broker to retain it.</param>
        /// <param name="packetId">The QoS 1 message's packet identifier (0 for QoS 0).</param>
        /// <returns>True when sent.</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentException">An invalid topic name.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad offset/count/timeout, a QoS 1 packet larger than the send store, or QoS outside 0..2.</exception>
        /// <exception cref="NotSupportedException">QoS 2.</exception>
        public bool Post(int timeout, string topic, byte[] payload, int offset, int count, int qos, bool retain, out int packetId)
        {
            return PublishCore(timeout, topic, payload, offset, count, qos, retain, false, out packetId);
        }

        /// <summary>Waits until every QoS 1 message in flight is acknowledged (messages that arrive meanwhile are kept for <see cref="Loop"/>).</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>True when none is left in flight.</returns>
        public bool Flush(int timeout)
        {
            Enter(timeout);
            long deadline = _clock.DeadlineAfter(timeout);
            while (_out.Count > 0)
            {
                if (!_connected)
                {
                    _lastError = MqttError.NotConnected;
                    return false;
                }

                int r = Pump(deadline, WantAnyAck, 0);
                if (r == TimedOut)
                {
                    _lastError = MqttError.Timeout;
                    return false;
                }

                if (r == Failed)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Subscribes to one topic filter; true when the broker granted it (SUBACK).</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="filter">Topic filter ('+' and '#' wildcards allowed).</param>
        /// <param name="qos">Highest QoS wanted: 0 or 1.</param>
        /// <returns>True when granted; false on failure, timeout or refusal (<see cref="MqttError.SubscribeFailed"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
        /// <exception cref="ArgumentException">An invalid filter.</exception>
        /// <exception cref="ArgumentOutOfRangeException">QoS outside 0..2, bad timeout, or a packet larger than the send store.</exception>
        /// <exception cref="NotSupportedException">QoS 2.</exception>
        public bool Subscribe(int timeout, string filter, int qos)
        {
            _oneFilter[0] = filter;
            _oneQos[0] = qos;
            try
            {
                return Subscribe(timeout, _oneFilter, _oneQos, _oneGranted);
            }
            finally
            {
                _oneFilter[0] = null;
            }
        }

        /// <summary>
        /// Subscribes to several filters in one SUBSCRIBE; true when the broker granted all of them.
        /// <paramref name="granted"/> gets each filter's SUBACK code: the QoS granted, or 0x80 (<see cref="MqttQos.Failure"/>).
        /// </summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="filters">Topic filters (at least one).</param>
        /// <param name="qos">Highest QoS wanted for each: 0 or 1.</param>
        /// <param name="granted">Gets the SUBACK codes (at least as long as <paramref name="filters"/>), or null.</param>
        /// <returns>True when all were granted.</returns>
        /// <exception cref="ArgumentNullException">A null array or filter.</exception>
        /// <exception cref="ArgumentException">An invalid filter, or arrays of different lengths.</exception>
        /// <exception cref="ArgumentOutOfRangeException">QoS outside 0..2, bad timeout, or a packet larger than the send store.</exception>
        /// <exception cref="NotSupportedException">QoS 2.</exception>
        public bool Subscribe(int timeout, string[] filters, int[] qos, int[] granted)
        {
            if (filters == null)
            {
                throw new ArgumentNullException("filters");
            }

            if (qos == null)
            {
                throw new ArgumentNullException("qos");
            }

            if (filters.Length == 0 || qos.Length != filters.Length || (granted != null && granted.Length < filters.Length))
            {
                throw new ArgumentException("filters, qos (and granted) must hold the same number of entries, at least one", "filters");
            }

            int remaining = 2;
            for (int i = 0; i < filters.Length; i++)
            {
                remaining += 2 + MqttTopic.CheckFilter(filters[i], "filters") + 1;
                CheckQos(qos[i], "qos");
            }

            int size = PacketSize(remaining);
            CheckFits(size, "filters");
            Enter(timeout);
            long deadline = _clock.DeadlineAfter(timeout);
            int at;
            if (!BeginRequest(deadline, size, out at))
            {
                return false;
            }

            int id = NextId();
            int end = WriteFilters(_out.Store, at, remaining, id, filters, qos);
            if (Send(_out.Store, at, end - at, deadline, false) != SendOk)
            {
                return false;
            }

            _subCodes = granted;
            _subCount = filters.Length;
            _subRefused = false;
            int r = Pump(deadline, WantSubAck, id);
            _subCodes = null;
            if (!EndRequest(r))
            {
                return false;
            }

            if (_subRefused)
            {
                _lastError = MqttError.SubscribeFailed;
                return false;
            }

            return true;
        }

        /// <summary>Unsubscribes from one topic filter; true when the broker acknowledged it (UNSUBACK).</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="filter">A filter given to <see cref="Subscribe(int, string, int)"/>.</param>
        /// <returns>True when acknowledged.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
        /// <exception cref="ArgumentException">An invalid filter.</exception>
        public bool Unsubscribe(int timeout, string filter)
        {
            _oneFilter[0] = filter;
            try
            {
                return Unsubscribe(timeout, _oneFilter);
            }
            finally
            {
                _oneFilter[0] = null;
            }
        }

        /// <summary>Unsubscribes from several filters in one UNSUBSCRIBE.</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="filters">Topic filters (at least one).</param>
        /// <returns>True when acknowledged.</returns>
        /// <exception cref="ArgumentNullException">A null array or filter.</exception>
        /// <exception cref="ArgumentException">An invalid filter or an empty array.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad timeout, or a packet larger than the send store.</exception>
        public bool Unsubscribe(int timeout, string[] filters)
        {
            if (filters == null)
            {
                throw new ArgumentNullException("filters");
            }

            if (filters.Length == 0)
            {
                throw new ArgumentException("at least one filter", "filters");
            }

            int remaining = 2;
            for (int i = 0; i < filters.Length; i++)
            {
                remaining += 2 + MqttTopic.CheckFilter(filters[i], "filters");
            }

            int size = PacketSize(remaining);
            CheckFits(size, "filters");
            Enter(timeout);
            long deadline = _clock.DeadlineAfter(timeout);
            int at;
            if (!BeginRequest(deadline, size, out at))
            {
                return false;
            }

            int id = NextId();
            int end = WriteFilters(_out.Store, at, remaining, id, filters, null);
            if (Send(_out.Store, at, end - at, deadline, false) != SendOk)
            {
                return false;
            }

            return EndRequest(Pump(deadline, WantUnsubAck, id));
        }

        /// <summary>
        /// Sends DISCONNECT (the broker then discards the will) and closes the connection. QoS 1
        /// messages still in flight are kept for the next <see cref="Connect"/> (with a kept session).
        /// </summary>
        /// <param name="timeout">Milliseconds for sending DISCONNECT and closing; 0 or -1 = forever.</param>
        /// <returns>True when DISCONNECT went out, or when there was no connection; false when it could not be sent.</returns>
        public bool Disconnect(int timeout)
        {
            Enter(timeout);
            long deadline = _clock.DeadlineAfter(timeout);
            bool ok = true;
            if (_connected)
            {
                _ctl[0] = (byte)(MqttPacketType.Disconnect << 4);
                _ctl[1] = 0;
                ok = Send(_ctl, 0, 2, deadline, false) == SendOk;
                _connected = false;
            }

            int ms = _clock.MsLeft(deadline);
            if (ms != 0 && NetActive())
            {
                LibNet.Close(_task, ms, _net);
            }

            CloseNet();
            return ok;
        }

        /// <summary>
        /// Waits for the next incoming message, LibNet <c>Wait</c> style, and keeps the connection
        /// alive meanwhile (PINGREQ when due, PUBACKs taken). (true, true): a message is in
        /// <see cref="MessageBuffer"/> (topic at <see cref="TopicOffset"/>, payload at
        /// <see cref="PayloadOffset"/>), valid until the next call; a QoS 1 message has been
        /// acknowledged. (true, false): the deadline passed, or <see cref="Wake"/> (or
        /// <c>SysPlus.SendMsg(taskName, SocketEvent.Event, 0)</c>) ended the wait. (false, false):
        /// the connection is lost or was never made (<see cref="LastError"/>); messages that had
        /// arrived before are still handed out first.
        /// </summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="gotMessage">True when a message is handed out.</param>
        /// <returns>False when not connected.</returns>
        /// <exception cref="ArgumentOutOfRangeException">Bad timeout.</exception>
        /// <exception cref="InvalidOperationException">Called from another thread than the client's task.</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        public bool Loop(int timeout, out bool gotMessage)
        {
            Enter(timeout);
            gotMessage = false;
            if (_wakePending)
            {
                _wakePending = false;
                return true;
            }

            if (_rxScan > _rxHead)
            {
                gotMessage = true;
                HandOut(_rxHead);
                return AckHandedOut();
            }

            if (!_connected)
            {
                _lastError = MqttError.NotConnected;
                return false;
            }

            long deadline = _clock.DeadlineAfter(timeout);
            int r = Pump(deadline, WantMessage, 0);
            if (r == Found)
            {
                gotMessage = true;
                return AckHandedOut();
            }

            return r != Failed;
        }

        private bool PublishCore(int timeout, string topic, byte[] payload, int offset, int count, int qos, bool retain, bool waitAck, out int packetId)
        {
            packetId = 0;
            int topicBytes = MqttTopic.CheckName(topic, "topic");
            CheckRange(payload, offset, count);
            CheckQos(qos, "qos");
            int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + count;
            int size = PacketSize(remaining);
            int header = size - count;
            CheckFits(qos > 0 ? size : header, qos > 0 ? "count" : "topic");
            Enter(timeout);
            if (!_connected)
            {
                _lastError = MqttError.NotConnected;
                return false;
            }

            long deadline = _clock.DeadlineAfter(timeout);
            if (qos == 0)
            {
                return PublishQos0(deadline, topic, payload, offset, count, retain, remaining, size, header);
            }

            int at;
            if (!WaitForRoom(deadline, size, true, out at))
            {
                return false;
            }

            int id = NextId();
            WritePublish(_out.Store, at, remaining, topic, id, 1, retain, payload, offset, count);
            _out.Add(id, at, size);
            int sent = Send(_out.Store, at, size, deadline, false);
            if (sent == SendNothing)
            {
                _out.DropNewest(id);
                return false;
            }

            if (sent == SendFailed)
            {
                // Part (or all) of it may have reached the broker: it stays in flight, to be resent with DUP.
                return false;
            }

            _publishesSent++;
            packetId = id;
            if (!waitAck)
            {
                return true;
            }

            int r = Pump(deadline, WantPubAck, id);
            if (r == TimedOut)
            {
                _lastError = MqttError.Timeout;
            }

            return r == Found;
        }

        private bool PublishQos0(long deadline, string topic, byte[] payload, int offset, int count, bool retain, int remaining, int size, int header)
        {
            int at;
            if (!WaitForRoom(deadline, header, false, out at))
            {
                return false;
            }

            // Small enough to join its header in the free part of the store: one send. Otherwise
            // the header from the store, then the payload straight from the caller's array.
            int whole = _out.Place(size);
            if (whole >= 0)
            {
                WritePublish(_out.Store, whole, remaining, topic, 0, 0, retain, payload, offset, count);
                if (Send(_out.Store, whole, size, deadline, false) != SendOk)
                {
                    return false;
                }
            }
            else
            {
                WritePublish(_out.Store, at, remaining, topic, 0, 0, retain, payload, offset, 0);
                if (Send(_out.Store, at, header, deadline, false) != SendOk || Send(payload, offset, count, deadline, true) != SendOk)
                {
                    return false;
                }
            }

            _publishesSent++;
            return true;
        }

        /// <summary>Room in the send store for a packet (and a slot for a QoS 1 message), waiting for PUBACKs within the deadline.</summary>
        private bool WaitForRoom(long deadline, int size, bool slot, out int at)
        {
            while (true)
            {
                at = (!slot || _out.HasSlot) ? _out.Place(size) : -1;
                if (at >= 0)
                {
                    return true;
                }

                int r = Pump(deadline, WantAnyAck, 0);
                if (r == TimedOut)
                {
                    _lastError = MqttError.InflightFull;
                    return false;
                }

                if (r == Failed)
                {
                    return false;
                }
            }
        }

        private bool BeginRequest(long deadline, int size, out int at)
        {
            at = -1;
            if (!_connected)
            {
                _lastError = MqttError.NotConnected;
                return false;
            }

            return WaitForRoom(deadline, size, false, out at);
        }

        private bool EndRequest(int r)
        {
            if (r == TimedOut)
            {
                _lastError = MqttError.Timeout;
            }

            return r == Found;
        }

        private void CheckFits(int size, string name)
        {
            if (size > _out.Store.Length)
            {
                throw new ArgumentOutOfRangeException(name, "the packet (" + size + " bytes) does not fit in the send store (" + _out.Store.Length + " bytes): raise txBufferSize");
            }
        }

        /// <summary>After a reconnect with a kept session: every unacknowledged QoS 1 message again, oldest first, with DUP.</summary>
        private bool Resend(long deadline)
        {
            int used = _out.Used;
            for (int k = 0; k < used; k++)
            {
                int start;
                int length;
                if (!_out.Get(k, out start, out length))
                {
                    continue;
                }

                _out.Store[start] |= 0x08;
                if (Send(_out.Store, start, length, deadline, false) != SendOk)
                {
                    return false;
                }

                _retransmitted++;
            }

            return true;
        }

        private bool AckHandedOut()
        {
            _messagesReceived++;
            if (_messageQos == 0 || !_connected)
            {
                return true;
            }

            // The message is handed out either way; a failed PUBACK shows as the lost connection
            // at the next call (the broker resends the message after a reconnect).
            SendPubAck(_messageId, _clock.DeadlineAfter(ControlTimeoutMs));
            return true;
        }
    }
}
