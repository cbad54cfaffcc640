using System;
using System.Runtime.CompilerServices;

namespace NanoLibNet
{
    /// <summary>
    /// The blocking calls (LuatOS <c>libnet</c>): each is one socket-layer call on a
    /// <see cref="NetCtrl"/> plus one wait, with a deadline, for the event that ends it in the
    /// calling task's mailbox. Call them only from the task named <c>taskName</c> (started with
    /// <see cref="SysPlus.TaskInitEx(TaskBody, string, MessageHandler, object)"/>) on a netc that
    /// task owns. Timeouts are in milliseconds for the whole call (DNS and TLS included);
    /// 0 or -1 wait forever. Network failures are results (<c>false</c>, with
    /// <see cref="NetCtrl.LastError"/>); programming errors throw at once.
    /// Messages with other ids taken while waiting go to the task's callback, or are dropped and
    /// counted, exactly as LuatOS <c>sysplus.waitMsg</c> does.
    /// </summary>
    public static class LibNet
    {
        /// <summary>
        /// Waits until the adapter's network link is up (LuatOS <c>libnet.waitLink</c>).
        /// </summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="netc">A netc on the adapter to watch.</param>
        /// <returns>True when the link is up; false when it reported a failure or the time ran out.</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> below -1.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, or a netc of another task.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static bool WaitLink(string taskName, int timeout, NetCtrl netc)
        {
            TaskContext task = Enter(taskName, timeout, netc);
            Deadline deadline = new Deadline(timeout);
            task.Mailbox.Purge(SocketEvent.Link, netc);
            bool linked;
            if (!netc.LinkUp(out linked))
            {
                return false;
            }

            if (linked)
            {
                return true;
            }

            int status = WaitLinkEvent(task, netc, ref deadline);
            return status == NetError.None;
        }

        /// <summary>
        /// Connects to <paramref name="host"/>:<paramref name="port"/> (LuatOS <c>libnet.connect</c>):
        /// TCP, UDP, or TLS (true only after the handshake). On timeout the connect is aborted
        /// (its socket closed, the worker freed) and <see cref="NetCtrl.LastError"/> is
        /// <see cref="NetError.Timeout"/>.
        /// </summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds for DNS, connect and handshake together; 0 or -1 = forever.</param>
        /// <param name="netc">The netc to connect.</param>
        /// <param name="host">IP literal or host name.</param>
        /// <param name="port">1 to 65535.</param>
        /// <returns>True when connected.</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad port or timeout.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, a netc of another task, or a netc already connected.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static bool Connect(string taskName, int timeout, NetCtrl netc, string host, int port)
        {
            TaskContext task = Enter(taskName, timeout, netc);
            if (host == null)
            {
                throw new ArgumentNullException("host");
            }

            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException("port", "port must be 1 to 65535");
            }

            Deadline deadline = new Deadline(timeout);
            task.Mailbox.Purge(SocketEvent.OnLine, netc);
            bool connected;
            if (!netc.Connect(host, port, out connected))
            {
                return false;
            }

            if (connected)
            {
                return true;
            }

            int status = EventWait.For(task, netc, SocketEvent.OnLine, ref deadline, 0);
            if (status == EventWait.TimedOut)
            {
                netc.Abort(NetError.Timeout, "connect to " + host + ":" + port + " did not finish within " + timeout + " ms", false);
                task.Mailbox.Purge(SocketEvent.OnLine, netc);

                // The connect may have finished just as the time ran out (the abort then did nothing):
                // report the connection the netc now has rather than fail with it left open.
                return netc.State == NetCtrlState.Online;
            }

            // OnLine 0 means it connected, even if the peer has closed or reset it since: the next
            // Wait/Rx reports that (and hands out what the peer sent first).
            return status == NetError.None;
        }

        /// <summary>
        /// Listens on the netc's configured local port and waits until a client arrives
        /// (LuatOS <c>libnet.listen</c>); take it with <see cref="NetCtrl.Accept(string, out NetCtrl)"/>.
        /// Calling it again while listening waits for the next client. UDP: binds and returns true.
        /// </summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="netc">A netc configured with a local port.</param>
        /// <returns>True when a client is waiting; false on failure or timeout (the netc keeps listening after a timeout).</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad timeout.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, a netc of another task, or no local port configured.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static bool Listen(string taskName, int timeout, NetCtrl netc)
        {
            TaskContext task = Enter(taskName, timeout, netc);
            Deadline deadline = new Deadline(timeout);
            task.Mailbox.Purge(SocketEvent.OnLine, netc);
            bool accepted;
            if (!netc.Listen(out accepted))
            {
                return false;
            }

            if (accepted)
            {
                return true;
            }

            int status = EventWait.For(task, netc, SocketEvent.OnLine, ref deadline, 0);
            return status == NetError.None;
        }

        /// <summary>Sends all of <paramref name="data"/>, of any size; see <see cref="Tx(string, int, NetCtrl, byte[], int, int, out bool)"/>.</summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds for the whole call; 0 or -1 = forever.</param>
        /// <param name="netc">A connected netc.</param>
        /// <param name="data">The bytes.</param>
        /// <param name="bufferFull">True when the deadline passed before any byte could be queued (the peer is not reading): nothing was sent, retry later.</param>
        /// <returns>True when all bytes were handed to the network, or when nothing could be queued (<paramref name="bufferFull"/>); false on failure or timeout (<see cref="NetCtrl.LastError"/>).</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad timeout; a UDP datagram larger than the send buffer.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, or a netc of another task.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static bool Tx(string taskName, int timeout, NetCtrl netc, byte[] data, out bool bufferFull)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            return Tx(taskName, timeout, netc, data, 0, data.Length, out bufferFull);
        }

        /// <summary>
        /// Sends all of the bytes, of any size, within the deadline (LuatOS <c>libnet.tx</c>): the
        /// calling task sends what the socket takes and waits for room on its own socket for the
        /// rest, as a blocking send would (a TLS netc, or an adapter whose sockets cannot be polled,
        /// streams the rest through the send ring and the engine); no retry loop is needed. Results:
        /// all handed to the network → (true, false);
        /// the deadline passed before ANY byte could be queued (the peer is not reading) →
        /// (true, true): nothing was sent, retry later (LuatOS's "buffer full");
        /// the deadline passed after part was queued → (false, false), <see cref="NetCtrl.LastError"/>
        /// <see cref="NetError.Timeout"/>: the stream is cut mid-message, close the connection;
        /// the deadline passed with all queued but not yet handed to the network → (false, false),
        /// Timeout, and the queued bytes still go out;
        /// the netc failed, was closed or is not connected → (false, false) with LastError.
        /// UDP: one call is one datagram; larger than the send ring is an
        /// <see cref="ArgumentOutOfRangeException"/>.
        /// </summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds for the whole call; 0 or -1 = forever.</param>
        /// <param name="netc">A connected netc.</param>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many (any number; UDP: at most the send buffer).</param>
        /// <param name="bufferFull">True when the deadline passed before any byte could be queued: nothing was sent.</param>
        /// <returns>True when all were handed to the network, or nothing could be queued (<paramref name="bufferFull"/>); false on failure or timeout.</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad offset, count or timeout; a UDP datagram larger than the send buffer.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, or a netc of another task.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static bool Tx(string taskName, int timeout, NetCtrl netc, byte[] data, int offset, int count, out bool bufferFull)
        {
            TaskContext task = Enter(taskName, timeout, netc);
            NetCtrl.CheckRange(data, offset, count);
            Deadline deadline = new Deadline(timeout);
            task.Mailbox.Purge(SocketEvent.TxOk, netc);
            bufferFull = false;
            long mark;
            if (netc.IsUdp)
            {
                if (!TxDatagram(task, netc, data, offset, count, ref deadline, out bufferFull, out mark))
                {
                    return false;
                }

                if (bufferFull)
                {
                    return true;
                }
            }
            else
            {
                int taken = 0;
                while (true)
                {
                    int n = netc.TxSome(data, offset + taken, count - taken, out mark);
                    if (n < 0)
                    {
                        return false;
                    }

                    taken += n;
                    if (taken == count)
                    {
                        break;
                    }

                    // Wait for room at a low-water mark: half the ring free, even when less is left
                    // to send. The engine keeps the socket busy with the other half meanwhile, and
                    // a stream of small writes wakes the task once per half ring, not per write.
                    int need = netc.TxCapacity / 2;
                    if (need < 1)
                    {
                        need = 1;
                    }

                    if (EventWait.ForRoom(task, netc, need, ref deadline) == EventWait.TimedOut)
                    {
                        // At the deadline, what fits now still goes (the mark may not have been reached).
                        int last = netc.TxSome(data, offset + taken, count - taken, out mark);
                        if (last < 0)
                        {
                            return false;
                        }

                        taken += last;
                        if (taken == count)
                        {
                            break;
                        }

                        if (taken == 0)
                        {
                            bufferFull = true;
                            netc.CountTxFull();
                            return true;
                        }

                        netc.SetFailure(NetError.Timeout, "Tx: the deadline (" + timeout + " ms) passed with " + taken + " of " + count + " bytes queued: the stream is cut, close the connection");
                        return false;
                    }
                }
            }

            if (netc.SentTotal >= mark)
            {
                return true;
            }

            int status = EventWait.For(task, netc, SocketEvent.TxOk, ref deadline, mark);
            if (status == EventWait.TimedOut)
            {
                netc.SetFailure(NetError.Timeout, "Tx: the deadline (" + timeout + " ms) passed before all " + count + " bytes were handed to the network; the queued bytes still go out");
                return false;
            }

            if (status != NetError.None)
            {
                netc.NoteFailure(status);
                return false;
            }

            return true;
        }

        // One datagram: queued whole (or sent at once), after waiting for room for it within the deadline.
        private static bool TxDatagram(TaskContext task, NetCtrl netc, byte[] data, int offset, int count, ref Deadline deadline, out bool bufferFull, out long mark)
        {
            while (true)
            {
                bool done;
                if (!netc.TxCore(data, offset, count, null, 0, out bufferFull, out done, out mark))
                {
                    return false;
                }

                if (!bufferFull)
                {
                    return true;
                }

                if (EventWait.ForRoom(task, netc, count + NetCtrl.DatagramHeader, ref deadline) == EventWait.TimedOut)
                {
                    return true;
                }
            }
        }

        /// <summary>
        /// Waits for data or a state change (LuatOS <c>libnet.wait</c>): data already waiting →
        /// (true, true); an Event with status 0 → (true, true); a network error → (false, false);
        /// timeout → (true, false). Any thread may end the wait early with
        /// <c>SysPlus.SendMsg(taskName, SocketEvent.Event, 0)</c>: it returns (true, true).
        /// </summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="netc">A connected netc.</param>
        /// <param name="gotEvent">True when there is something to read or the state changed.</param>
        /// <returns>False when the netc failed or is closed.</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad timeout.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, or a netc of another task.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static bool Wait(string taskName, int timeout, NetCtrl netc, out bool gotEvent)
        {
            TaskContext task = Enter(taskName, timeout, netc);
            Deadline deadline = new Deadline(timeout);
            task.Mailbox.Purge(SocketEvent.Event, netc);
            bool hasEvent;
            bool armed;
            if (!netc.WaitCore(out hasEvent, out armed))
            {
                gotEvent = false;
                return false;
            }

            if (hasEvent)
            {
                gotEvent = true;
                return true;
            }

            int status = EventWait.For(task, netc, SocketEvent.Event, ref deadline, 0);
            if (status == EventWait.TimedOut)
            {
                gotEvent = false;
                return true;
            }

            gotEvent = status == NetError.None;
            return gotEvent;
        }

        /// <summary>
        /// Closes gracefully (LuatOS <c>libnet.close</c>): <see cref="NetCtrl.Discon(out bool)"/>,
        /// then waits for <see cref="SocketEvent.Closed"/> up to <paramref name="timeout"/>, then
        /// <see cref="NetCtrl.Close"/> regardless. The netc may connect again afterwards.
        /// </summary>
        /// <param name="taskName">The calling task.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="netc">The netc.</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentOutOfRangeException">Bad timeout.</exception>
        /// <exception cref="InvalidOperationException">No such task, another thread, or a netc of another task.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="netc"/> was released.</exception>
        public static void Close(string taskName, int timeout, NetCtrl netc)
        {
            TaskContext task = Enter(taskName, timeout, netc);
            Deadline deadline = new Deadline(timeout);
            task.Mailbox.Purge(SocketEvent.Closed, netc);
            bool closed;
            if (netc.DisconCore(out closed) && !closed)
            {
                EventWait.For(task, netc, SocketEvent.Closed, ref deadline, 0);
            }

            // Never throws: another task may have released the netc meanwhile (then there is nothing to close).
            netc.CloseQuietly();

            // Events of the finished connection must not end the next call on this netc.
            task.Mailbox.Purge(SocketEvent.Closed, netc);
            task.Mailbox.Purge(SocketEvent.Event, netc);
            task.Mailbox.Purge(SocketEvent.TxOk, netc);
        }

        private static int WaitLinkEvent(TaskContext task, NetCtrl netc, ref Deadline deadline)
        {
            int status = EventWait.For(task, netc, SocketEvent.Link, ref deadline, 0);
            return status == EventWait.TimedOut ? NetError.Timeout : status;
        }

        // Not inlined, so a stack trace shows which check of the entry failed.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static TaskContext Enter(string taskName, int timeout, NetCtrl netc)
        {
            if (netc == null)
            {
                throw new ArgumentNullException("netc");
            }

            Deadline.Validate(timeout);
            TaskContext task = SysPlus.Require(taskName);
            netc.ThrowIfReleased();
            if (netc.Owner != task)
            {
                throw new InvalidOperationException("this netc belongs to " + (netc.TaskName == null ? "a callback" : "task '" + netc.TaskName + "'") + ", not to task '" + taskName + "'");
            }

            return task;
        }
    }
}
