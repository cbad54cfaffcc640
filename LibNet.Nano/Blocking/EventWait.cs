using System;

namespace NanoLibNet
{
    /// <summary>
    /// The one wait every blocking call makes: take the task's messages in FIFO order until the
    /// awaited event from this netc comes (messages taken on the way go to the task's callback,
    /// or are dropped and counted, as LuatOS <c>sysplus.waitMsg</c> does), within the deadline.
    /// Between messages it looks at the netc itself, so an event the mailbox refused, or a close
    /// from another task, still ends the wait.
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

                if (!deadline.Wait(box.Signal))
                {
                    return TimedOut;
                }
            }
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
                        return false;
                    }

                    break;

                case SocketEvent.Event:
                    if (s == NetCtrlState.Online || s == NetCtrlState.Closing)
                    {
                        return false;
                    }

                    if (netc.RxPending > 0)
                    {
                        return true;
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
