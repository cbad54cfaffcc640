using System;

namespace NanoLibNet.Mqtt
{
    // The send side: packet encoding (MQTT 3.1.1 chapter 3) into the client's fixed buffers, and
    // one helper that hands bytes to LibNet.Tx and turns its results into the client's.
    public sealed partial class MqttClient
    {
        private const int SendOk = 0;
        private const int SendNothing = 1;
        private const int SendFailed = 2;

        /// <summary>
        /// Sends <paramref name="count"/> bytes within the deadline. SendOk: all handed to the
        /// network. SendNothing: the deadline passed before a byte could be queued (LibNet's
        /// "buffer full"): the stream is intact, <see cref="MqttError.Timeout"/>. SendFailed: the
        /// connection failed, or the deadline cut the packet (or, with <paramref name="continuation"/>,
        /// the packet it continues) mid-way: the connection is closed.
        /// </summary>
        private int Send(byte[] data, int offset, int count, long deadline, bool continuation)
        {
            if (_net.State != NetCtrlState.Online)
            {
                // Failed since the last send: no Tx on a netc that is not Online. LibNet keeps the
                // failure's LastError after it now (docs/mqtt.md, LibNet finding 2, fixed), so this
                // check no longer guards the cause; it stays because it costs nothing.
                Fail(MqttError.Network);
                return SendFailed;
            }

            // LibNet.Tx takes any size and streams it through the netc's send ring (LIBNET.md 5).
            int ms = _clock.MsLeft(deadline);
            bool full = false;
            bool ok = ms != 0 && LibNet.Tx(_task, ms, _net, data, offset, count, out full);
            if (ok && !full)
            {
                _lastTx = _clock.Now;
                return SendOk;
            }

            if ((ms == 0 || full) && !continuation)
            {
                _lastError = MqttError.Timeout;
                return SendNothing;
            }

            // Cut mid-packet (or mid-publish), all queued but not handed out in time, or failed:
            // LibNet's result does not tell a whole stream from a cut one, so close either way.
            Fail(ms == 0 || ok || _net.LastError == NanoLibNet.NetError.Timeout ? MqttError.Timeout : MqttError.Network);
            return SendFailed;
        }

        private bool SendPubAck(int id, long deadline)
        {
            _ctl[0] = (byte)(MqttPacketType.PubAck << 4);
            _ctl[1] = 2;
            _ctl[2] = (byte)(id >> 8);
            _ctl[3] = (byte)id;
            return Send(_ctl, 0, 4, deadline, false) == SendOk;
        }

        /// <summary>Bytes of a whole packet whose remaining length is <paramref name="remaining"/>.</summary>
        private static int PacketSize(int remaining)
        {
            if (remaining > 268435455)
            {
                throw new ArgumentOutOfRangeException("count", "an MQTT packet carries at most 268,435,455 bytes");
            }

            return 1 + VarLength(remaining) + remaining;
        }

        private static int VarLength(int value)
        {
            return value < 128 ? 1 : (value < 16384 ? 2 : (value < 2097152 ? 3 : 4));
        }

        /// <summary>Writes the first byte and the remaining length; returns the position after them.</summary>
        private static int WriteFixed(byte[] b, int at, int first, int remaining)
        {
            b[at++] = (byte)first;
            do
            {
                int digit = remaining & 0x7F;
                remaining >>= 7;
                b[at++] = (byte)(remaining > 0 ? digit | 0x80 : digit);
            }
            while (remaining > 0);

            return at;
        }

        /// <summary>Checks the CONNECT fields and returns the packet's size.</summary>
        private int ConnectPacketSize()
        {
            if (_clientId == null)
            {
                throw new ArgumentNullException("ClientId", "set ClientId before Connect");
            }

            int idBytes = MqttUtf8.ByteCount(_clientId, "ClientId");
            if (idBytes > MaxClientIdLength && !AllowLongClientId)
            {
                throw new ArgumentException("the client id is " + idBytes + " UTF-8 bytes; brokers must accept 1 to " + MaxClientIdLength + " (MQTT 3.1.1 section 3.1.3.1): shorten it or set AllowLongClientId", "ClientId");
            }

            if (idBytes == 0 && !_cleanSession)
            {
                throw new ArgumentException("an empty client id needs CleanSession true (MQTT 3.1.1 section 3.1.3.1)", "ClientId");
            }

            if (Password != null && UserName == null)
            {
                throw new ArgumentException("a password needs a user name in MQTT 3.1.1 (section 3.1.2.9)", "Password");
            }

            int remaining = 10 + 2 + idBytes;
            if (_willTopic != null)
            {
                remaining += 2 + MqttUtf8.ByteCount(_willTopic, "topic") + 2 + _willPayload.Length;
            }

            if (UserName != null)
            {
                remaining += 2 + MqttUtf8.ByteCount(UserName, "UserName");
            }

            if (Password != null)
            {
                remaining += 2 + MqttUtf8.ByteCount(Password, "Password");
            }

            return PacketSize(remaining);
        }

        /// <summary>Encodes CONNECT at the start of <paramref name="b"/>; returns its length.</summary>
        private int WriteConnect(byte[] b)
        {
            int idBytes = MqttUtf8.ByteCount(_clientId, "ClientId");
            int willTopicBytes = _willTopic == null ? 0 : MqttUtf8.ByteCount(_willTopic, "topic");
            int userBytes = UserName == null ? 0 : MqttUtf8.ByteCount(UserName, "UserName");
            int passwordBytes = Password == null ? 0 : MqttUtf8.ByteCount(Password, "Password");
            int remaining = 10 + 2 + idBytes;
            int flags = _cleanSession ? 0x02 : 0;
            if (_willTopic != null)
            {
                remaining += 2 + willTopicBytes + 2 + _willPayload.Length;
                flags |= 0x04 | (_willQos << 3) | (_willRetain ? 0x20 : 0);
            }

            if (UserName != null)
            {
                remaining += 2 + userBytes;
                flags |= 0x80;
            }

            if (Password != null)
            {
                remaining += 2 + passwordBytes;
                flags |= 0x40;
            }

            int at = WriteFixed(b, 0, MqttPacketType.Connect << 4, remaining);
            b[at++] = 0;
            b[at++] = 4;
            b[at++] = (byte)'M';
            b[at++] = (byte)'Q';
            b[at++] = (byte)'T';
            b[at++] = (byte)'T';
            b[at++] = 4; // protocol level 4 = MQTT 3.1.1
            b[at++] = (byte)flags;
            b[at++] = (byte)(_keepAlive >> 8);
            b[at++] = (byte)_keepAlive;
            at = MqttUtf8.WritePrefixed(_clientId, idBytes, b, at);
            if (_willTopic != null)
            {
                at = MqttUtf8.WritePrefixed(_willTopic, willTopicBytes, b, at);
                b[at++] = (byte)(_willPayload.Length >> 8);
                b[at++] = (byte)_willPayload.Length;
                Array.Copy(_willPayload, 0, b, at, _willPayload.Length);
                at += _willPayload.Length;
            }

            if (UserName != null)
            {
                at = MqttUtf8.WritePrefixed(UserName, userBytes, b, at);
            }

            if (Password != null)
            {
                at = MqttUtf8.WritePrefixed(Password, passwordBytes, b, at);
            }

            return at;
        }

        /// <summary>Encodes PUBLISH (with the first <paramref name="count"/> payload bytes) at <paramref name="at"/>; returns the position after it.</summary>
        private static int WritePublish(byte[] b, int at, int remaining, string topic, int id, int qos, bool retain, byte[] payload, int offset, int count)
        {
            at = WriteFixed(b, at, (MqttPacketType.Publish << 4) | (qos << 1) | (retain ? 1 : 0), remaining);
            int topicAt = at;
            at = MqttUtf8.Write(topic, b, at + 2);
            int topicBytes = at - topicAt - 2;
            b[topicAt] = (byte)(topicBytes >> 8);
            b[topicAt + 1] = (byte)topicBytes;
            if (qos > 0)
            {
                b[at++] = (byte)(id >> 8);
                b[at++] = (byte)id;
            }

            Array.Copy(payload, offset, b, at, count);
            return at + count;
        }

        /// <summary>
        /// Encodes SUBSCRIBE (each filter followed by its <paramref name="qos"/>) or, with
        /// <paramref name="qos"/> null, UNSUBSCRIBE at <paramref name="at"/>; returns the position after it.
        /// </summary>
        private static int WriteFilters(byte[] b, int at, int remaining, int id, string[] filters, int[] qos)
        {
            int type = qos != null ? MqttPacketType.Subscribe : MqttPacketType.Unsubscribe;
            at = WriteFixed(b, at, (type << 4) | 0x02, remaining);
            b[at++] = (byte)(id >> 8);
            b[at++] = (byte)id;
            for (int i = 0; i < filters.Length; i++)
            {
                at = MqttUtf8.WritePrefixed(filters[i], MqttUtf8.ByteCount(filters[i], "filters"), b, at);
                if (qos != null)
                {
                    b[at++] = (byte)qos[i];
                }
            }

            return at;
        }
    }
}
