using System.Threading;

namespace NanoLibNet
{
    // How a netc's events reach its owner, in causal order and only for the connection they
    // belong to (the epoch: a Close, an abort or a new connection bumps it, and an event of an
    // ended connection is dropped, so nothing of it reaches the next call).
    // - A task's netc: the event is put in the task's mailbox by whichever thread raised it (the
    //   engine, a connect worker, a link change), under the netc's lock, in the same step as the
    //   state change it reports and with the epoch checked in that step. The mailbox is the one
    //   consumer and FIFO, so the order of the state changes is the order of the messages.
    // - A callback netc: every event runs the callback on the adapter's engine thread. An event
    //   raised on another thread waits in the netc's outbox, and the engine delivers the outbox
    //   before anything it raises itself for that netc: one thread, in order.
    // Events are coalesced per kind (one pending bit each, cleared when the message leaves the
    // mailbox); an event the mailbox refuses is remembered (a "missed" bit) and the owner woken
    // anyway, so it is late, never lost.
    // (A // comment: the public summary of NetCtrl is the one in NetCtrl.cs.)
    public sealed partial class NetCtrl : IMessageSource
    {
        // The kinds of SocketEvent, as bits (Link = 1, OnLine = 2, TxOk = 4, Event = 8, Closed = 16).
        private const int LinkBit = 1;
        private const int Kinds = 5;

        private int _pending;
        private int _missed;
        private readonly int[] _missedStatus = new int[Kinds];
        private int _outbox;
        private readonly int[] _outboxStatus = new int[Kinds];
        private int _handoffs;

        /// <summary>
        /// Times another thread (the engine, a connect worker) woke the owning task for this netc:
        /// an event put in its mailbox, or a wake-up to look at a changed state. A diagnostic of
        /// the hand-offs the blocking calls cost: a <c>LibNet.Tx</c> the socket takes at once
        /// costs none, an echo round trip at most one.
        /// </summary>
        public int Handoffs { get { return _handoffs; } }

        private static int Bit(int id)
        {
            return 1 << (id - SocketEvent.Link);
        }

        /// <summary>
        /// Any thread: raises an event of the connection <paramref name="epoch"/>, unless the
        /// netc was closed or reconnected since.
        /// </summary>
        internal void RaiseFor(int epoch, int id, int status)
        {
            if (_callback == null)
            {
                lock (Sync)
                {
                    if (_epoch == epoch)
                    {
                        Raise(id, status);
                    }
                }

                return;
            }

            if (!_engine.IsEngineThread)
            {
                lock (Sync)
                {
                    if (_epoch != epoch)
                    {
                        return;
                    }

                    DeferLocked(id, status);
                }

                _engine.Request();
                return;
            }

            DeliverOutbox();
            lock (Sync)
            {
                if (_epoch != epoch)
                {
                    return;
                }
            }

            // A callback runs outside the lock: it may call into the netc.
            Raise(id, status);
        }

        /// <summary>
        /// Sync held: raises an event of the current connection in the same step as the state
        /// change it reports. True when it was left for the engine (a callback netc, off the
        /// engine thread): the caller then calls <c>_engine.Request()</c> once out of the lock.
        /// </summary>
        private bool RaiseLocked(int id, int status)
        {
            if (_callback == null)
            {
                Raise(id, status);
                return false;
            }

            DeferLocked(id, status);
            return true;
        }

        /// <summary>Sync held: leaves an event of a callback netc for the engine.</summary>
        private void DeferLocked(int id, int status)
        {
            int k = id - SocketEvent.Link;
            _outbox |= 1 << k;
            _outboxStatus[k] = status;
        }

        /// <summary>Sync held: a new connection or a close: what the outbox held of the old one is dropped (a Link event stays).</summary>
        private void NewEpochLocked()
        {
            _epoch++;
            _outbox &= LinkBit;
        }

        /// <summary>Engine thread: runs the callback for what other threads raised, in the order of the kinds (Link, OnLine, TxOk, Event, Closed).</summary>
        internal void DeliverOutbox()
        {
            if (_outbox == 0)
            {
                // Racy read, safe: whoever fills the outbox then asks the engine for a turn, and
                // whatever the engine raises for this netc follows a read of its state under
                // Sync, after which the outbox bit set in the same step is seen.
                return;
            }

            for (int k = 0; k < Kinds; k++)
            {
                int status;
                lock (Sync)
                {
                    if ((_outbox & (1 << k)) == 0)
                    {
                        continue;
                    }

                    _outbox &= ~(1 << k);
                    status = _outboxStatus[k];
                }

                Raise(SocketEvent.Link + k, status);
            }
        }

        /// <summary>Engine thread (tests: any): puts an event in the owner's mailbox (coalesced) or calls the callback.</summary>
        internal void Raise(int id, int status)
        {
            MessageHandler cb = _callback;
            if (cb != null)
            {
                Interlocked.Increment(ref _eventsPosted);
                cb(new TaskMessage(id, status, this, null));
                return;
            }

            TaskContext owner = _owner;
            if (owner == null)
            {
                return;
            }

            int bit = Bit(id);
            lock (Sync)
            {
                if ((_pending & bit) != 0)
                {
                    _eventsCoalesced++;
                    return;
                }

                _pending |= bit;
            }

            if (owner.Mailbox.Post(id, status, this, null))
            {
                Interlocked.Increment(ref _eventsPosted);
                Interlocked.Increment(ref _handoffs);
                return;
            }

            lock (Sync)
            {
                _pending &= ~bit;
                _missed |= bit;
                _missedStatus[id - SocketEvent.Link] = status;
                _eventsRefused++;
            }

            WakeOwner();
        }

        /// <summary>The mailbox let go of one of our messages: the next of that kind may be queued.</summary>
        void IMessageSource.OnMessageTaken(int id)
        {
            int k = id - SocketEvent.Link;
            if (k < 0 || k >= Kinds)
            {
                return;
            }

            lock (Sync)
            {
                _pending &= ~(1 << k);
            }
        }

        /// <summary>Takes a refused event of this kind, if one is remembered.</summary>
        internal bool TakeMissed(int id, out int status)
        {
            int bit = Bit(id);
            lock (Sync)
            {
                if ((_missed & bit) == 0)
                {
                    status = 0;
                    return false;
                }

                _missed &= ~bit;
                status = _missedStatus[id - SocketEvent.Link];
                return true;
            }
        }

        /// <summary>
        /// Any thread: wakes the owning task to look at the netc's state (a close, a failure, room
        /// in the send ring) without a message. Nothing to do on the owner's own thread.
        /// </summary>
        private void WakeOwner()
        {
            TaskContext owner = _owner;
            if (owner != null && !owner.IsCurrent)
            {
                Interlocked.Increment(ref _handoffs);
                owner.Mailbox.Wake();
            }
        }
    }
}
