using System;

namespace NanoLibNet
{
    /// <summary>
    /// The waits the blocking calls make: take the task's messages in FIFO order until the
    /// awaited event from this netc comes (messages taken on the way go to the task's callback,
    /// or are dropped and counted, as LuatOS <c>sysplus.waitMsg</c> does), within the deadline.
    /// Between messages it looks at the netc itself, so an event the mailbox refused, data a
    /// caller read itself, or a close from another task still ends the wait. On an adapter whose
    /// callers poll (the device), a task waiting for data or a client polls its own socket
    /// natively, in slices, and looks at its mailbox between them.
    /// </summary>
    internal static class EventWait
    {
        /// <summary>What a wait ended with.</summary>
        internal const int TimedOut = -1;

        /// <summary>
        /// Waits for <paramref name="id"/> from <paramref name="netc"/> (for <see cref="SocketEvent.Event"/>
        /// also a message with no source: the forced exit by <c>SysPlus.SendMsg</c>).
        /// Returns the status (0 = ok) or <see cref="TimedOut"/>.
        /// </summary>
        internal static int For(TaskContext task, NetCtrl netc, int id, ref Deadline deadline, long txMark)
        {
            Mailbox box = task.Mailbox;
            int slice = netc.Adapter.CallerPollSliceMs;
            int maxSlice = netc.Adapter.CallerMaxPollSliceMs;
            int firstPoll = id == SocketEvent.Event ? netc.Adapter.CallerFirstPollMicros : 0;
            while (true)
            {
                TaskMessage msg;
                while (box.TryTake(out msg))
                {
                    if (msg.Id == id && (msg.Source == netc || (msg.Source == null && id == SocketEvent.Event)))
                    {
                        if (id == SocketEvent.TxOk && msg.Param == NetError.None && netc.SentTotal < txMark)
                        {
                            // A TxOk for bytes queued before ours: keep waiting for ours.
                            continue;
                        }

                        return msg.Param;
                    }

                    task.Dispatch(msg);
                }

                int status;
                if (netc.TakeMissed(id, out status))
                {
                    if (!(id == SocketEvent.TxOk && status == NetError.None && netc.SentTotal < txMark))
                    {
                        return status;
                    }
                }

                if (Settled(netc, id, txMark, out status))
                {
                    return status;
                }

                if (slice > 0 && (id == SocketEvent.Event || (id == SocketEvent.OnLine && netc.IsListening)))
                {
                    if (deadline.Expired)
                    {
                        return TimedOut;
                    }

                    int ms = deadline.Slice(slice);
                    long start = DateTime.UtcNow.Ticks;
                    int r = PollRead(task, netc, ms * 1000);
                    if (r >= 0)
                    {
                        deadline.Spend(start, ms, r == 1);
                        if (r == 0 && slice < maxSlice)
                        {
                            // Nothing came: look at the mailbox less often (each look costs a wake-up).
                            slice = slice * 2 > maxSlice ? maxSlice : slice * 2;
                        }

                        continue;
                    }

                    // The engine reads it (or was asked to): wait for its event, a slice at most.
                    deadline.Spend(start, ms, true);
                    deadline.Wait(box.Signal, slice);
                    continue;
                }

                if (firstPoll > 0)
                {
                    // Desktop: the reply to what the task just sent usually comes within a moment;
                    // the task waits for it on its own socket first, then for the engine's event.
                    int ms = deadline.Slice((firstPoll + 999) / 1000);
                    int us = ms * 1000 < firstPoll ? ms * 1000 : firstPoll;
                    firstPoll = 0;
                    if (us > 0)
                    {
                        long start = DateTime.UtcNow.Ticks;
                        int r = PollRead(task, netc, us);
                        deadline.Spend(start, ms, r != 0);
                        continue;
                    }
                }

                if (id == SocketEvent.Event || id == SocketEvent.OnLine)
                {
                    // From here the engine must see the data (or the client): it may have left the
                    // socket to this task's own poll.
                    netc.EnsureWatched();
                }

                if (!deadline.Wait(box.Signal))
                {
                    return TimedOut;
                }
            }
        }

        /// <summary>
        /// LibNet.Tx: waits until the send ring has <paramref name="need"/> bytes free (or, on an
        /// adapter whose callers poll, the socket is writable again), or the netc's state changed.
        /// Returns 0 (try again) or <see cref="TimedOut"/>.
        /// </summary>
        internal static int ForRoom(TaskContext task, NetCtrl netc, int need, ref Deadline deadline)
        {
            Mailbox box = task.Mailbox;
            int slice = netc.Adapter.CallerWritePollMs;
            while (true)
            {
                TaskMessage msg;
                while (box.TryTake(out msg))
                {
                    if (msg.Id == SocketEvent.TxOk && msg.Source == netc)
                    {
                        // The ring drained: the room is looked at below.
                        continue;
                    }

                    task.Dispatch(msg);
                }

                int ignored;
                netc.TakeMissed(SocketEvent.TxOk, out ignored);
                Transport pollWrite;
                int room = netc.RoomState(need, out pollWrite);
                if (room == 1)
                {
                    return 0;
                }

                if (deadline.Expired)
                {
                    netc.DisarmRoom();
                    return TimedOut;
                }

                if (room == 2)
                {
                    int ms = deadline.Slice(slice);
                    long start = DateTime.UtcNow.Ticks;
                    bool ready;
                    task.InNativePoll = 1;
                    try
                    {
                        ready = pollWrite.Poll(ms * 1000, true);
                    }
                    catch (Exception)
                    {
                        // Closed meanwhile: the state says what happened.
                        ready = true;
                    }

                    task.InNativePoll = 0;

                    deadline.Spend(start, ms, ready);
                    if (ready)
                    {
                        return 0;
                    }

                    continue;
                }

                // The engine wakes the task when the ring has the room (or the state changes).
                deadline.Wait(box.Signal);
            }
        }

        // The task polls its own socket natively (NetCtrl.PollRead); meanwhile it counts as blocked.
        private static int PollRead(TaskContext task, NetCtrl netc, int microseconds)
        {
            task.InNativePoll = 1;
            int r = netc.PollRead(microseconds);
            task.InNativePoll = 0;
            return r;
        }

        /// <summary>True when the netc's state already answers the wait (the event may never come).</summary>
        private static bool Settled(NetCtrl netc, int id, long txMark, out int status)
        {
            NetCtrlState s = netc.State;
            status = NetError.None;
            switch (id)
            {
                case SocketEvent.OnLine:
                    if (s == NetCtrlState.Connecting || s == NetCtrlState.Listening)
                    {
                        return s == NetCtrlState.Listening && netc.AcceptPending > 0;
                    }

                    break;

                case SocketEvent.TxOk:
                    if (s == NetCtrlState.Online || s == NetCtrlState.Closing)
                    {
                        // All handed to the network (a caller, or the engine, sent the last of them).
                        return netc.SentTotal >= txMark;
                    }

                    break;

                case SocketEvent.Event:
                    if (netc.RxPending > 0)
                    {
                        // Data is there (the engine's event may still be on its way, or a caller read it).
                        return true;
                    }

                    if (s == NetCtrlState.Online || s == NetCtrlState.Closing)
                    {
                        return false;
                    }

                    break;

                case SocketEvent.Closed:
                    return s == NetCtrlState.Closed || s == NetCtrlState.Error || s == NetCtrlState.Released || s == NetCtrlState.Idle;

                case SocketEvent.Link:
                    // A released netc gets no Link event (it left its adapter): WaitLink ends.
                    if (s != NetCtrlState.Released)
                    {
                        return false;
                    }

                    break;

                default:
                    return false;
            }

            status = Failure(netc, s);
            if (id == SocketEvent.OnLine && s == NetCtrlState.Online)
            {
                status = NetError.None;
            }

            return true;
        }

        private static int Failure(NetCtrl netc, NetCtrlState s)
        {
            if (s == NetCtrlState.Error)
            {
                return netc.LastError == NetError.None ? NetError.Failed : netc.LastError;
            }

            if (s == NetCtrlState.Closed)
            {
                return netc.CloseReason;
            }

            if (s == NetCtrlState.Released)
            {
                return NetError.Aborted;
            }

            return NetError.NotConnected;
        }
    }
}
