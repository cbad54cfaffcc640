namespace NanoLibNet
{
    // The netc's diagnostic counters. Each is read under the netc's lock: the 64-bit byte counts
    // would tear on a 32-bit device if read while the engine updates them.
    // (A // comment: the public summary of NetCtrl is the one in NetCtrl.cs.)
    public sealed partial class NetCtrl
    {
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
        public long BytesIn { get { lock (Sync) { return _bytesIn; } } }

        /// <summary>Bytes handed to the network since creation.</summary>
        public long BytesOut { get { lock (Sync) { return _bytesOut; } } }

        /// <summary>Queued or received bytes thrown away by a close or a failure (unsent plus unread).</summary>
        public long BytesDropped { get { lock (Sync) { return _bytesDropped; } } }

        /// <summary>Events queued in the owner's mailbox (or given to the callback).</summary>
        public int EventsPosted { get { lock (Sync) { return _eventsPosted; } } }

        /// <summary>Events not queued because one of the same kind was still unread.</summary>
        public int EventsCoalesced { get { lock (Sync) { return _eventsCoalesced; } } }

        /// <summary>Events the owner's mailbox refused (full); each is still seen by the blocking calls.</summary>
        public int EventsRefused { get { lock (Sync) { return _eventsRefused; } } }

        /// <summary>Datagrams dropped because the receive ring had no room for them.</summary>
        public int DatagramsDropped { get { lock (Sync) { return _datagramsDropped; } } }

        /// <summary>Datagrams cut because the caller's buffer was shorter.</summary>
        public int DatagramsTruncated { get { lock (Sync) { return _datagramsTruncated; } } }

        /// <summary>Tx calls that found the send ring full (a <c>LibNet.Tx</c> counts when its deadline passed with nothing queued).</summary>
        public int TxFullCount { get { lock (Sync) { return _txFullCount; } } }

        /// <summary>Clients a listener lost: they left before they were taken, or (TLS) their handshake failed or timed out.</summary>
        public int AcceptFailures { get { lock (Sync) { return _acceptFailures; } } }

        /// <summary>Why the last client of this listener was refused (a <see cref="NetError"/> code; TLS handshake), 0 = none yet.</summary>
        public int LastAcceptError { get { lock (Sync) { return _lastAcceptError; } } }

        /// <summary>The last refused client's failure in words, or null.</summary>
        public string LastAcceptErrorMessage { get { lock (Sync) { return _lastAcceptErrorMessage; } } }

        /// <summary>Bytes waiting in the receive ring.</summary>
        public int RxPending { get { lock (Sync) { return _rx == null ? 0 : _rx.Count; } } }

        /// <summary>Bytes waiting in the send ring.</summary>
        public int TxPending { get { lock (Sync) { return _tx == null ? 0 : _tx.Count; } } }

        /// <summary>Clients waiting to be accepted.</summary>
        public int AcceptPending { get { lock (Sync) { return _acceptCount; } } }
    }
}
