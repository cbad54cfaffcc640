using System;

namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// An MQTT 3.1.1 client on LibNet, with no thread of its own: every call runs in the calling
    /// LibNet task (the one named at construction, which owns the client's <see cref="NetCtrl"/>)
    /// and blocks with a deadline, LibNet style. <see cref="Connect"/>, <see cref="Publish(int, string, byte[], int, int, int, bool)"/>,
    /// <see cref="Subscribe(int, string, int)"/>, <see cref="Unsubscribe(int, string)"/> and
    /// <see cref="Disconnect"/> return true on success and false on a network failure or the
    /// deadline (see <see cref="LastError"/>); <see cref="Loop"/> waits for incoming messages and
    /// keeps the connection alive (PINGREQ when due; a broker that stops answering is reported as
    /// <see cref="MqttError.PingTimeout"/>, never a hang). Bad input throws a specific exception
    /// before anything is sent. Timeouts are milliseconds for the whole call; 0 or -1 wait forever.
    /// <para>
    /// Memory is fixed at construction: a receive buffer (the largest incoming packet; a larger
    /// PUBLISH is dropped and counted), a send store (QoS 1 messages in flight, kept whole to be
    /// resent with DUP after a reconnect; also where other packets are encoded), a table of
    /// in-flight slots, and the netc's rings. No call allocates in steady state: a received
    /// message's topic and payload are handed out in place, in <see cref="MessageBuffer"/>, valid
    /// until the client's next call.
    /// </para>
    /// </summary>
    public sealed partial class MqttClient : IDisposable
    {
        /// <summary>Default size of the receive buffer and of the send store: 1024 bytes each.</summary>
        public const int DefaultBufferSize = 1024;

        /// <summary>Smallest receive buffer or send store the constructor accepts.</summary>
        public const int MinBufferSize = 64;

        /// <summary>Default number of QoS 1 messages in flight at once.</summary>
        public const int DefaultMaxInflight = 4;

        /// <summary>
        /// Longest client identifier (in UTF-8 bytes) every broker must accept (MQTT 3.1.1 section
        /// 3.1.3.1); longer ones throw unless <see cref="AllowLongClientId"/> is set.
        /// </summary>
        public const int MaxClientIdLength = 23;

        /// <summary>Default keepalive: 60 seconds.</summary>
        public const int DefaultKeepAliveSeconds = 60;

        private readonly string _task;
        private readonly NetCtrl _net;
        private readonly MqttClock _clock = new MqttClock();
        private readonly byte[] _rx;
        private readonly MqttInflight _out;
        private readonly byte[] _ctl = new byte[4];
        private readonly string[] _oneFilter = new string[1];
        private readonly int[] _oneQos = new int[1];
        private readonly int[] _oneGranted = new int[1];
        private bool _disposed;

        // settings
        private string _clientId;
        private bool _cleanSession = true;
        private int _keepAlive = DefaultKeepAliveSeconds;
        private string _willTopic;
        private byte[] _willPayload;
        private int _willQos;
        private bool _willRetain;

        // connection
        private bool _connected;
        private int _lastError;
        private int _connectReturnCode;
        private bool _sessionPresent;
        private int _nextId;
        private long _lastTx;
        private long _lastRx;
        private long _pingSent;
        private bool _wakePending;

        // counters
        private int _messagesReceived;
        private int _messagesDropped;
        private int _publishesSent;
        private int _retransmitted;
        private int _pingsSent;

        /// <summary>A client on the default adapter with default buffers (1024-byte receive buffer and send store, 4 in-flight slots).</summary>
        /// <param name="taskName">The LibNet task that will make every call (must be running).</param>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        /// <exception cref="InvalidOperationException">No task has that name.</exception>
        public MqttClient(string taskName)
            : this(NetAdapter.Default, taskName, DefaultBufferSize, DefaultBufferSize, DefaultMaxInflight)
        {
        }

        /// <summary>
        /// A client on <paramref name="adapter"/>, used from task <paramref name="taskName"/>, with
        /// buffers of the given sizes, allocated here once. It creates its <see cref="NetCtrl"/>
        /// now (released by <see cref="Dispose"/>, or when the task ends).
        /// </summary>
        /// <param name="adapter">The network.</param>
        /// <param name="taskName">The LibNet task that will make every call (must be running).</param>
        /// <param name="rxBufferSize">Receive buffer: the largest packet the client can receive whole (a larger PUBLISH is dropped and counted in <see cref="MessagesDropped"/>); also holds the CONNECT packet while it is sent. At least <see cref="MinBufferSize"/>.</param>
        /// <param name="txBufferSize">Send store: QoS 1 messages in flight, each as its whole PUBLISH packet (topic + payload + 4 to 7 bytes), and the room where SUBSCRIBE and QoS 0 packets are encoded. At least <see cref="MinBufferSize"/>.</param>
        /// <param name="maxInflight">QoS 1 messages in flight at once (1 to 65534).</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size out of range.</exception>
        /// <exception cref="InvalidOperationException">No task has that name.</exception>
        public MqttClient(NetAdapter adapter, string taskName, int rxBufferSize, int txBufferSize, int maxInflight)
        {
            if (adapter == null)
            {
                throw new ArgumentNullException("adapter");
            }

            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            if (rxBufferSize < MinBufferSize)
            {
                throw new ArgumentOutOfRangeException("rxBufferSize", "at least " + MinBufferSize + " bytes");
            }

            if (txBufferSize < MinBufferSize)
            {
                throw new ArgumentOutOfRangeException("txBufferSize", "at least " + MinBufferSize + " bytes");
            }

            if (maxInflight < 1 || maxInflight > 65534)
            {
                // One packet id stays free for SUBSCRIBE/UNSUBSCRIBE even with every slot in use.
                throw new ArgumentOutOfRangeException("maxInflight", "1 to 65534 messages");
            }

            _task = taskName;
            _rx = new byte[rxBufferSize];
            _out = new MqttInflight(maxInflight, txBufferSize);
            _net = NetCtrl.Create(adapter, taskName);
            NetRxBufferSize = NetCtrl.DefaultBufferSize;
            NetTxBufferSize = NetCtrl.DefaultBufferSize;
        }

        // ---- settings (read at Connect) --------------------------------------------------------

        /// <summary>
        /// The client identifier sent in CONNECT (required). Empty is allowed with
        /// <see cref="CleanSession"/> true (the broker assigns one). Checked at <see cref="Connect"/>:
        /// at most <see cref="MaxClientIdLength"/> UTF-8 bytes unless <see cref="AllowLongClientId"/>.
        /// </summary>
        public string ClientId { get { return _clientId; } set { _clientId = value; } }

        /// <summary>Allow client identifiers longer than the 23 bytes every broker must accept (most brokers take up to 65535).</summary>
        public bool AllowLongClientId { get; set; }

        /// <summary>
        /// True (default): the broker starts a new session and the client drops its unacknowledged
        /// QoS 1 messages at <see cref="Connect"/>. False: the broker keeps subscriptions and queued
        /// messages across connections, and the client resends its unacknowledged QoS 1 messages
        /// with DUP after each reconnect.
        /// </summary>
        public bool CleanSession { get { return _cleanSession; } set { _cleanSession = value; } }

        /// <summary>
        /// Keepalive in seconds (0 to 65535; 0 = off), sent in CONNECT. While the client is in a
        /// call it sends PINGREQ after 3/4 of it without sending or receiving, and closes the
        /// connection (<see cref="MqttError.PingTimeout"/>) when no PINGRESP comes within half of it.
        /// Call <see cref="Loop"/> at least that often, or the broker drops the client after 1.5 × it.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">Outside 0..65535.</exception>
        public int KeepAliveSeconds
        {
            get
            {
                return _keepAlive;
            }

            set
            {
                if (value < 0 || value > 65535)
                {
                    throw new ArgumentOutOfRangeException("value", "keepalive must be 0 to 65535 seconds");
                }

                _keepAlive = value;
            }
        }

        /// <summary>User name for CONNECT, or null for none.</summary>
        public string UserName { get; set; }

        /// <summary>Password for CONNECT (needs a <see cref="UserName"/> in MQTT 3.1.1), or null.</summary>
        public string Password { get; set; }

        /// <summary>Connect with TLS (LibNet's TLS: see <see cref="CaCert"/>).</summary>
        public bool Tls { get; set; }

        /// <summary>TLS: CA certificate (PEM) the broker's chain and host name are verified against; null = the platform's trust store (LibNet's rule: verification is on unless <see cref="TlsInsecureSkipVerify"/>).</summary>
        public string CaCert { get; set; }

        /// <summary>
        /// <b>INSECURE; false by default.</b> True accepts any broker certificate and host name
        /// (<see cref="NetCtrl.TlsInsecureSkipVerify"/> of the client's netc, which this sets):
        /// for a first test against a broker with a throwaway certificate, never for a product.
        /// </summary>
        /// <exception cref="InvalidOperationException">Set while connected.</exception>
        public bool TlsInsecureSkipVerify
        {
            get { return _net.TlsInsecureSkipVerify; }
            set { _net.TlsInsecureSkipVerify = value; }
        }

        /// <summary>TLS: client certificate (PEM), or null.</summary>
        public string ClientCert { get; set; }

        /// <summary>TLS: private key (PEM) of <see cref="ClientCert"/>, or null.</summary>
        public string ClientKey { get; set; }

        /// <summary>TLS: password of <see cref="ClientKey"/>, or null.</summary>
        public string ClientKeyPassword { get; set; }

        /// <summary>Receive ring of the client's netc in bytes (default 1536); applied at <see cref="Connect"/>.</summary>
        public int NetRxBufferSize { get; set; }

        /// <summary>Send ring of the client's netc in bytes (default 1536); applied at <see cref="Connect"/>.</summary>
        public int NetTxBufferSize { get; set; }

        /// <summary>
        /// Sets the will: the message the broker publishes when the client vanishes without
        /// <see cref="Disconnect"/> (the connection drops, keepalive expires). Kept by reference
        /// (the payload array is not copied); sent with each <see cref="Connect"/>.
        /// </summary>
        /// <param name="topic">A topic name (no wildcards).</param>
        /// <param name="payload">The message (0 to 65535 bytes).</param>
        /// <param name="qos">0 or 1.</param>
        /// <param name="retain">Whether the broker retains it.</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentException">An invalid topic name.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A QoS other than 0, 1 or 2, or a payload over 65535 bytes.</exception>
        /// <exception cref="NotSupportedException">QoS 2.</exception>
        public void SetWill(string topic, byte[] payload, int qos, bool retain)
        {
            MqttTopic.CheckName(topic, "topic");
            if (payload == null)
            {
                throw new ArgumentNullException("payload");
            }

            if (payload.Length > 65535)
            {
                throw new ArgumentOutOfRangeException("payload", "a will message is at most 65535 bytes");
            }

            CheckQos(qos, "qos");
            _willTopic = topic;
            _willPayload = payload;
            _willQos = qos;
            _willRetain = retain;
        }

        /// <summary>Removes the will.</summary>
        public void ClearWill()
        {
            _willTopic = null;
            _willPayload = null;
            _willQos = 0;
            _willRetain = false;
        }

        /// <summary>The will topic, or null when no will is set.</summary>
        public string WillTopic { get { return _willTopic; } }

        // ---- state -------------------------------------------------------------------------------

        /// <summary>The task that makes the calls.</summary>
        public string TaskName { get { return _task; } }

        /// <summary>The client's netc, for its counters and diagnostics (configure the client, not the netc).</summary>
        public NetCtrl Net { get { return _net; } }

        /// <summary>True between a successful <see cref="Connect"/> and a disconnect or a failure.</summary>
        public bool IsConnected { get { return _connected; } }

        /// <summary>Why the last call returned false (an <see cref="MqttError"/> code; 0 after a call that succeeded).</summary>
        public int LastError { get { return _lastError; } }

        /// <summary>The netc's last failure (a <see cref="NanoLibNet.NetError"/> code), for <see cref="MqttError.Network"/>.</summary>
        public int NetError { get { return _net.LastError; } }

        /// <summary>The CONNACK return code of the last <see cref="Connect"/> that got one (<see cref="MqttConnectReturnCode"/>).</summary>
        public int ConnectReturnCode { get { return _connectReturnCode; } }

        /// <summary>The CONNACK's session-present flag: the broker kept the session of an earlier connection.</summary>
        public bool SessionPresent { get { return _sessionPresent; } }

        /// <summary>QoS 1 messages sent and not yet acknowledged.</summary>
        public int InflightCount { get { return _out.Count; } }

        /// <summary>Slots of the in-flight table.</summary>
        public int MaxInflight { get { return _out.Capacity; } }

        /// <summary>Size of the receive buffer.</summary>
        public int RxBufferSize { get { return _rx.Length; } }

        /// <summary>Size of the send store.</summary>
        public int TxBufferSize { get { return _out.Store.Length; } }

        /// <summary>PUBLISH packets received and handed out by <see cref="Loop"/>.</summary>
        public int MessagesReceived { get { return _messagesReceived; } }

        /// <summary>PUBLISH packets received but dropped because they were larger than the receive buffer (a QoS 1 one is still acknowledged).</summary>
        public int MessagesDropped { get { return _messagesDropped; } }

        /// <summary>PUBLISH packets sent (retransmissions not included).</summary>
        public int PublishesSent { get { return _publishesSent; } }

        /// <summary>QoS 1 messages resent with DUP after a reconnect.</summary>
        public int Retransmitted { get { return _retransmitted; } }

        /// <summary>PINGREQ packets sent.</summary>
        public int PingsSent { get { return _pingsSent; } }

        // ---- the message handed out by Loop ---------------------------------------------------------

        /// <summary>The buffer that holds the last message handed out by <see cref="Loop"/> (the receive buffer itself: valid until the next call).</summary>
        public byte[] MessageBuffer { get { return _rx; } }

        /// <summary>Where the message's topic (UTF-8) starts in <see cref="MessageBuffer"/>.</summary>
        public int TopicOffset { get { return _topicOffset; } }

        /// <summary>The topic's length in bytes.</summary>
        public int TopicLength { get { return _topicLength; } }

        /// <summary>Where the payload starts in <see cref="MessageBuffer"/>.</summary>
        public int PayloadOffset { get { return _payloadOffset; } }

        /// <summary>The payload's length in bytes.</summary>
        public int PayloadLength { get { return _payloadLength; } }

        /// <summary>The message's QoS (0 or 1).</summary>
        public int MessageQos { get { return _messageQos; } }

        /// <summary>The message's RETAIN flag (a retained message sent because of a new subscription).</summary>
        public bool MessageRetain { get { return _messageRetain; } }

        /// <summary>The message's DUP flag (the broker may have sent it before).</summary>
        public bool MessageDup { get { return _messageDup; } }

        /// <summary>True when the message's topic is exactly <paramref name="topic"/> (no allocation).</summary>
        /// <param name="topic">A topic name.</param>
        /// <returns>True when equal.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="topic"/> is null.</exception>
        public bool TopicIs(string topic)
        {
            if (topic == null)
            {
                throw new ArgumentNullException("topic");
            }

            return MqttUtf8.Equal(_rx, _topicOffset, _topicLength, topic);
        }

        /// <summary>True when the message's topic matches <paramref name="filter"/> ('+' and '#' wildcards; no allocation).</summary>
        /// <param name="filter">A topic filter.</param>
        /// <returns>True on a match.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
        /// <exception cref="ArgumentException">An invalid filter.</exception>
        public bool TopicMatches(string filter)
        {
            MqttTopic.CheckFilter(filter, "filter");
            return MqttTopic.Matches(filter, _rx, _topicOffset, _topicLength);
        }

        /// <summary>The message's topic as a string (allocates: not for a hot path; prefer <see cref="TopicIs"/>).</summary>
        /// <returns>The topic.</returns>
        public string GetTopic()
        {
            return MqttUtf8.Decode(_rx, _topicOffset, _topicLength);
        }

        /// <summary>Copies the payload to <paramref name="destination"/> at <paramref name="offset"/>.</summary>
        /// <param name="destination">Where to copy.</param>
        /// <param name="offset">Where to start.</param>
        /// <returns>Bytes copied (<see cref="PayloadLength"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The payload does not fit at <paramref name="offset"/>.</exception>
        public int CopyPayload(byte[] destination, int offset)
        {
            if (destination == null)
            {
                throw new ArgumentNullException("destination");
            }

            if (offset < 0 || offset > destination.Length || destination.Length - offset < _payloadLength)
            {
                throw new ArgumentOutOfRangeException("offset", "the payload (" + _payloadLength + " bytes) does not fit at this offset");
            }

            Array.Copy(_rx, _payloadOffset, destination, offset, _payloadLength);
            return _payloadLength;
        }

        // ---- other threads -------------------------------------------------------------------------

        /// <summary>
        /// Ends a <see cref="Loop"/> under way in the client's task early (it returns true with no
        /// message); callable from any thread. Same as <c>SysPlus.SendMsg(taskName, SocketEvent.Event, 0)</c>.
        /// A wake that arrives while another call runs ends the next <see cref="Loop"/> at once.
        /// </summary>
        /// <returns>False when the task's mailbox is full or the task is gone.</returns>
        public bool Wake()
        {
            return SysPlus.SendMsg(_task, SocketEvent.Event, 0);
        }

        /// <summary>
        /// Releases the netc at once, without DISCONNECT (the broker publishes the will). Safe to
        /// call twice, from any thread; afterwards every call throws <see cref="ObjectDisposedException"/>.
        /// </summary>
        public void Dispose()
        {
            _disposed = true;
            _connected = false;
            _net.Release();
        }

        // ---- helpers shared by the parts ----------------------------------------------------------------

        private int _topicOffset;
        private int _topicLength;
        private int _payloadOffset;
        private int _payloadLength;
        private int _messageQos;
        private bool _messageRetain;
        private bool _messageDup;

        /// <summary>Start of every call: not disposed, the right task, and the previous message released.</summary>
        private void Enter(int timeout)
        {
            MqttClock.CheckTimeout(timeout);
            if (_disposed)
            {
                throw new ObjectDisposedException("MqttClient");
            }

            if (SysPlus.CurrentTaskName != _task)
            {
                throw new InvalidOperationException("MqttClient calls must come from task '" + _task + "', which owns its netc");
            }

            ReleaseMessage();
            _lastError = MqttError.None;
        }

        private static void CheckQos(int qos, string name)
        {
            if (qos == MqttQos.ExactlyOnce)
            {
                throw new NotSupportedException("QoS 2 is not supported by this client: use 0 or 1");
            }

            if (qos < 0 || qos > 2)
            {
                throw new ArgumentOutOfRangeException(name, "QoS must be 0 or 1 (MQTT knows 0, 1 and 2)");
            }
        }

        private static void CheckRange(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new ArgumentNullException("payload");
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

        private int NextId()
        {
            do
            {
                _nextId = _nextId >= 65535 ? 1 : _nextId + 1;
            }
            while (_out.Contains(_nextId));

            return _nextId;
        }
    }
}
