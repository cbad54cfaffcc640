using System;

namespace NanoLibNet
{
    /// <summary>
    /// One native socket of an adapter, as the engine and the connect workers drive it. Blocking
    /// work (<see cref="Connect"/>: DNS, TCP connect, TLS handshake) runs on a worker and is
    /// cancelled only by <see cref="Close"/> from another thread, as on the device. Everything
    /// else runs on the engine thread after <see cref="NetAdapter.WaitForActivity"/> said the
    /// socket is ready, and must not block. Failures are thrown; the adapter maps them to
    /// <see cref="NetError"/> codes.
    /// </summary>
    internal abstract class Transport
    {
        /// <summary>Readable (data, a client to accept, end of stream or an error to read).</summary>
        internal const int ReadyRead = 1;

        /// <summary>Writable.</summary>
        internal const int ReadyWrite = 2;

        /// <summary>In error.</summary>
        internal const int ReadyError = 4;

        /// <summary>The netc this socket belongs to (null while it waits in a listener's accept queue).</summary>
        internal NetCtrl Owner;

        /// <summary>What the engine wants to know (ReadyRead | ReadyWrite), set by the engine before each wait.</summary>
        internal int Interest;

        /// <summary>What is ready, set by the adapter's wait, cleared by the engine.</summary>
        internal int Ready;

        /// <summary>Worker thread, blocking: resolve, connect (TCP) or set the default peer (UDP), handshake (TLS).</summary>
        internal abstract void Connect(string host, int port, NetCtrl config);

        /// <summary>Caller thread: bind to the configured local port and listen (TCP), or bind only (UDP).</summary>
        internal abstract void Listen(int localPort, int backlog, NetCtrl config);

        /// <summary>Engine thread: sends what the network takes now; returns the bytes taken (0 when none fit now).</summary>
        internal abstract int Send(byte[] buffer, int offset, int count);

        /// <summary>Engine thread: receives what has arrived; 0 means the peer closed, -1 that nothing is there after all.</summary>
        internal abstract int Receive(byte[] buffer, int offset, int count);

        /// <summary>Engine thread: sends one datagram to an address (4 or 16 bytes) and port.</summary>
        internal abstract int SendTo(byte[] buffer, int offset, int count, byte[] address, int addressLength, int port);

        /// <summary>Engine thread: receives one datagram and its sender; -1 when none is there after all.</summary>
        internal abstract int ReceiveFrom(byte[] buffer, int offset, int count, byte[] address, out int addressLength, out int port);

        /// <summary>Engine thread: takes a waiting client (the listener was readable); null when it left.</summary>
        internal abstract Transport Accept();

        /// <summary>Any thread, any time, idempotent: closes the native socket, waking a blocked <see cref="Connect"/>.</summary>
        internal abstract void Close();

        /// <summary>The local end point as text, or null.</summary>
        internal abstract string LocalEndPoint { get; }

        /// <summary>The remote end point as text, or null.</summary>
        internal abstract string RemoteEndPoint { get; }

        /// <summary>True when the transport can be read before its socket says so (TLS: a decrypted record is buffered).</summary>
        internal virtual bool HasBufferedData { get { return false; } }

        /// <summary>True for an accepted client whose TLS handshake must run (on a worker, see <see cref="Handshake"/>) before it is handed out.</summary>
        internal virtual bool NeedsHandshake { get { return false; } }

        /// <summary>Worker thread, blocking: the server side of an accepted client's TLS handshake, with its own deadline; throws on failure.</summary>
        internal virtual void Handshake()
        {
        }

        /// <summary>
        /// True when a caller may send on it directly, under its netc's lock, with
        /// <see cref="TrySend"/> and <see cref="TrySendTo"/> (a plain socket: TLS records are the
        /// engine's alone to write).
        /// </summary>
        internal virtual bool CanSendDirect { get { return false; } }

        /// <summary>Caller thread, netc lock held: sends what the network takes now without blocking; 0 when it takes nothing now.</summary>
        internal virtual int TrySend(byte[] buffer, int offset, int count)
        {
            return 0;
        }

        /// <summary>Caller thread, netc lock held: sends one datagram (to the connected peer when <paramref name="addressLength"/> is 0) if the network takes it now; <paramref name="count"/>, or 0 when nothing was sent.</summary>
        internal virtual int TrySendTo(byte[] buffer, int offset, int count, byte[] address, int addressLength, int port)
        {
            return 0;
        }

        /// <summary>
        /// True when a task waiting on this socket can poll it itself (<see cref="Poll"/>), which
        /// wakes at once when it is ready (when it does is the adapter's choice:
        /// <see cref="NetAdapter.CallerPollSliceMs"/>, <see cref="NetAdapter.CallerFirstPollMicros"/>).
        /// </summary>
        internal virtual bool CanPoll { get { return false; } }

        /// <summary>Caller thread: waits at most <paramref name="microseconds"/> until the socket is readable (or writable); closing it ends the wait with an exception.</summary>
        internal virtual bool Poll(int microseconds, bool write)
        {
            return false;
        }

        /// <summary>True when more bytes can be read now without blocking (after a read that filled the space it was given); false when unsure (TLS).</summary>
        internal virtual bool MoreWaiting { get { return false; } }

        /// <summary>True when a caller that polled it readable may read it into the ring itself (a plain TCP socket); otherwise the engine reads it.</summary>
        internal virtual bool CanReceiveDirect { get { return false; } }
    }
}
