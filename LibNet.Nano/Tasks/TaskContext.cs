using System;
using System.Collections;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// One running task: its name, thread, mailbox and callback, and the sockets it owns (closed
    /// and released when the task ends, so a task that returns or throws leaks nothing).
    /// </summary>
    internal sealed class TaskContext
    {
        private readonly TaskBody _body;
        private readonly object _arg;
        private readonly ArrayList _owned = new ArrayList();

        internal readonly string Name;
        internal readonly Mailbox Mailbox;
        internal readonly MessageHandler Callback;
        internal Thread Thread;

        internal TaskContext(TaskBody body, string name, MessageHandler callback, object arg, int capacity)
        {
            _body = body;
            _arg = arg;
            Name = name;
            Callback = callback;
            Mailbox = new Mailbox(capacity);
        }

        internal void Run()
        {
            Exception fault = null;
            try
            {
                _body(_arg);
            }
            catch (Exception ex)
            {
                // Counted, kept and written out before the name goes: whoever sees the task
                // ended (Join, Exists) can read its fault.
                fault = ex;
                FaultLog.Record(Name, ex);
            }
            finally
            {
                // Released before the name goes: once Exists/Join say the task ended, its sockets are gone.
                // Again after, for a netc created for this task by another thread meanwhile.
                // Uncounted before the name goes too, so whoever sees the task gone sees its thread done.
                ReleaseOwned(false);
                SysPlus.ThreadEnded();
                SysPlus.Unregister(this);
                ReleaseOwned(true);
            }

            if (fault != null)
            {
                // Last, with the name free: a handler may start the task again.
                FaultLog.CallHandler(Name, fault);
            }
        }

        // Set by the task's last release of its sockets: from then on nothing may be owned, or
        // it would never be released (a netc created for the task by another thread meanwhile).
        private bool _ended;

        /// <summary>Records a socket whose events come to this task; false when the task has ended (the socket is not owned).</summary>
        internal bool Own(NetCtrl netc)
        {
            lock (_owned)
            {
                if (_ended)
                {
                    return false;
                }

                _owned.Add(netc);
                return true;
            }
        }

        /// <summary>Forgets a released socket.</summary>
        internal void Disown(NetCtrl netc)
        {
            lock (_owned)
            {
                _owned.Remove(netc);
            }
        }

        /// <summary>True when the caller runs on this task's thread.</summary>
        internal bool IsCurrent { get { return Thread == Thread.CurrentThread; } }

        /// <summary>Takes the next message, handing messages that are not wanted to the callback.</summary>
        internal void Dispatch(TaskMessage msg)
        {
            if (Callback != null)
            {
                Callback(msg);
            }
            else
            {
                Mailbox.CountDropped();
            }
        }

        private void ReleaseOwned(bool last)
        {
            while (true)
            {
                NetCtrl netc;
                lock (_owned)
                {
                    if (_owned.Count == 0)
                    {
                        // The last time, in the same step as finding none: no Own can slip in after.
                        _ended = last;
                        return;
                    }

                    netc = (NetCtrl)_owned[_owned.Count - 1];
                    _owned.RemoveAt(_owned.Count - 1);
                }

                netc.Release();
            }
        }
    }
}
