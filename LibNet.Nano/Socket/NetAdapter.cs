using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// A network a <see cref="NetCtrl"/> runs on (LuatOS network adapter). Each adapter has one
    /// engine thread that drives all its sockets (started with the first <see cref="NetCtrl"/>,
    /// ended with the last) and a connect worker per operation that blocks natively (DNS,
    /// connect, TLS handshake) while it runs. Adapters in this library:
    /// <c>SocketAdapter</c> (System.Net sockets: the device and desktop .NET) and
    /// <c>SimulatedAdapter</c> (an in-memory network with fault injection).
    /// </summary>
    public abstract partial class NetAdapter
    {
        private static readonly object s_defaultLock = new object();
        private static NetAdapter s_default;
        private int _openHandles;

        internal readonly SocketEngine Engine;

        internal NetAdapter()
        {
            Engine = new SocketEngine(this);
        }

        /// <summary>
        /// The adapter <see cref="NetCtrl.Create(string)"/> uses: a <c>SocketAdapter</c> made on
        /// first use, unless one was set. A build without System.Net has none until it is set.
        /// </summary>
        /// <exception cref="InvalidOperationException">No default adapter exists in this build and none was set.</exception>
        public static NetAdapter Default
        {
            get
            {
                lock (s_defaultLock)
                {
                    if (s_default == null)
                    {
                        CreateDefault(ref s_default);
                    }

                    if (s_default == null)
                    {
                        throw new InvalidOperationException("this build has no socket adapter; set NetAdapter.Default");
                    }

                    return s_default;
                }
            }

            set
            {
                if (value == null)
                {
                    throw new ArgumentNullException("value");
                }

                lock (s_defaultLock)
                {
                    s_default = value;
                }
            }
        }

        // Implemented next to SocketAdapter (the System.Net folder); without it there is no default.
        static partial void CreateDefault(ref NetAdapter adapter);

        /// <summary>A short name for logs.</summary>
        public abstract string Name { get; }

        /// <summary>True when the network link is up (it has an address).</summary>
        public abstract bool IsLinkUp { get; }

        /// <summary>Live (created, not yet released) <see cref="NetCtrl"/> objects on this adapter.</summary>
        public int SocketCount { get { return Engine.SocketCount; } }

        /// <summary>Native sockets open now (connections, listeners and accepted clients not yet handed out).</summary>
        public int OpenHandles { get { return _openHandles; } }

        /// <summary>Threads this adapter runs now: its engine (0 or 1) plus its connect workers (one per connect or TLS accept under way).</summary>
        public int ThreadCount { get { return Engine.ThreadCount; } }

        /// <summary>
        /// Waits until this adapter has no sockets, no open handles and no threads (the engine
        /// stops with its last socket; a worker stops when its blocked call returns).
        /// </summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>True when idle, false on timeout.</returns>
        public bool WaitIdle(int timeout)
        {
            Deadline.Validate(timeout);
            return Engine.WaitIdle(timeout);
        }

        internal void HandleOpened()
        {
            Interlocked.Increment(ref _openHandles);
        }

        internal void HandleClosed()
        {
            Interlocked.Decrement(ref _openHandles);
            Engine.CheckIdle();
        }

        /// <summary>Tells the engine the link changed; posts <see cref="SocketEvent.Link"/> and fails connections on a drop.</summary>
        internal void OnLinkChanged(bool up)
        {
            Engine.OnLinkChanged(up);
        }

        /// <summary>A new, unopened native socket for this netc's protocol.</summary>
        internal abstract Transport NewTransport(NetCtrl netc);

        /// <summary>
        /// Engine thread: waits at most <paramref name="timeoutMs"/> until one of the sockets is
        /// ready for what its <see cref="Transport.Interest"/> says, or <see cref="Wake"/> is
        /// called; sets <see cref="Transport.Ready"/> on each socket that is.
        /// </summary>
        internal abstract void WaitForActivity(Transport[] sockets, int count, int timeoutMs);

        /// <summary>Any thread: ends the engine's current or next <see cref="WaitForActivity"/> at once.</summary>
        internal abstract void Wake();

        /// <summary>Engine thread, as it starts and stops: take or free what the wait needs.</summary>
        internal virtual void EngineStarted()
        {
        }

        /// <summary>Engine thread, as it stops.</summary>
        internal virtual void EngineStopped()
        {
        }

        /// <summary>
        /// The longest a task blocked in <c>LibNet.Wait</c>, <c>Listen</c> or <c>Tx</c> polls its
        /// own socket natively before it looks at its mailbox again (ms); 0 = the tasks of this
        /// adapter do not poll (they wait for the engine's events).
        /// </summary>
        internal virtual int CallerPollSliceMs { get { return 0; } }

        /// <summary>
        /// The longest a task blocked in <c>LibNet.Tx</c> polls its own socket natively for room to
        /// send before it looks at its mailbox again (ms); 0 = its bytes go through the send ring
        /// and the engine. Polling, the task sends what the socket takes itself, as a blocking
        /// send would: no engine turn and no hand-off per write.
        /// </summary>
        internal virtual int CallerWritePollMs { get { return CallerPollSliceMs; } }

        /// <summary>The longest such slice: they double from <see cref="CallerPollSliceMs"/> while nothing comes.</summary>
        internal virtual int CallerMaxPollSliceMs { get { return 0; } }

        /// <summary>
        /// How long a task blocked in <c>LibNet.Wait</c> first polls its own socket natively
        /// before it waits for the engine's event instead (microseconds); 0 = it does not.
        /// (An adapter whose tasks always poll, <see cref="CallerPollSliceMs"/>, needs none.)
        /// </summary>
        internal virtual int CallerFirstPollMicros { get { return 0; } }

        /// <summary>Maps a failure thrown by a transport to a <see cref="NetError"/> code.</summary>
        internal abstract int MapError(Exception ex);
    }
}
