using System;
using System.Collections;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// Named tasks with bounded mailboxes (LuatOS <c>sysplus</c>). A task is a thread running a
    /// <see cref="TaskBody"/>, registered under a unique name while it runs. Messages are posted
    /// with <see cref="SendMsg(string, int, int)"/> from any thread and taken by the task with
    /// <see cref="WaitMsg(string, int, int, out TaskMessage)"/>.
    /// </summary>
    public static class SysPlus
    {
        /// <summary>The mailbox capacity used when none is given (16 messages).</summary>
        public const int DefaultMailboxCapacity = 16;

        private static readonly ArrayList s_tasks = new ArrayList();
        private static int s_threads;
        private static int s_refusedNoTask;

        /// <summary>Number of tasks registered now.</summary>
        public static int TaskCount { get { lock (s_tasks) { return s_tasks.Count; } } }

        /// <summary>
        /// Number of task threads still running their body or its clean-up. A task's thread is
        /// uncounted just before the task is unregistered, so once a task is gone from
        /// <see cref="TaskCount"/> its thread is no longer counted either.
        /// </summary>
        public static int ThreadCount { get { return s_threads; } }

        /// <summary><see cref="SendMsg(string, int, int)"/> calls refused because no task had that name.</summary>
        public static int RefusedNoTask { get { return s_refusedNoTask; } }

        /// <summary>How many task names <see cref="LastFault"/> remembers (8): the most recent ones to fail.</summary>
        public const int FaultLogCapacity = 8;

        /// <summary>
        /// Task bodies that ended by throwing, since start. Each such exception is also written to
        /// the console ("[SysPlus] task 'name' failed: type: message" and the stack where the
        /// platform keeps one; on the device, the debugger's output), kept for
        /// <see cref="LastFault"/> and given to <see cref="FaultHandler"/>.
        /// </summary>
        public static int TaskFaults { get { return FaultLog.Count; } }

        /// <summary>
        /// The exception the last failed run of the task named <paramref name="taskName"/> threw,
        /// readable after the task ended; null when it never threw or when
        /// <see cref="FaultLogCapacity"/> other task names failed since (the table is fixed).
        /// A later run that ends normally does not clear it.
        /// </summary>
        /// <param name="taskName">The task.</param>
        /// <returns>The exception, or null.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        public static Exception LastFault(string taskName)
        {
            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            return FaultLog.Last(taskName);
        }

        /// <summary>
        /// Optional, process-wide: called with the name and the exception whenever a task's body
        /// throws (after it was written out, counted and kept). It runs on the ended task's
        /// thread after the task was unregistered and its sockets were released, so it may start
        /// the task again under the same name; <see cref="Join"/> may return before it finishes.
        /// What it throws is written out and dropped. Null (default) = none.
        /// </summary>
        public static TaskFaultHandler FaultHandler
        {
            get { return FaultLog.Handler; }
            set { FaultLog.Handler = value; }
        }

        /// <summary>Starts <paramref name="body"/>(<paramref name="arg"/>) as a task with a 16-message mailbox.</summary>
        /// <param name="body">What the task runs.</param>
        /// <param name="taskName">The task's unique name.</param>
        /// <param name="cbFun">Gets messages taken on the way to the awaited one (on the task's thread); null = drop and count them.</param>
        /// <param name="arg">Passed to <paramref name="body"/>.</param>
        /// <returns>True when the task was started.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="body"/> or <paramref name="taskName"/> is null.</exception>
        /// <exception cref="ArgumentException">A task with this name is running.</exception>
        public static bool TaskInitEx(TaskBody body, string taskName, MessageHandler cbFun, object arg)
        {
            return TaskInitEx(body, taskName, cbFun, arg, DefaultMailboxCapacity);
        }

        /// <summary>
        /// Starts <paramref name="body"/>(<paramref name="arg"/>) on a new thread registered as
        /// <paramref name="taskName"/>, with a mailbox of <paramref name="mailboxCapacity"/> messages
        /// (a ring allocated once: about 32 bytes per slot on the device, see docs/ram-budget.md).
        /// When the body returns or throws, the task is unregistered and the sockets it still owns
        /// are closed and released; an exception is never silent (see <see cref="TaskFaults"/>).
        /// </summary>
        /// <param name="body">What the task runs.</param>
        /// <param name="taskName">The task's unique name.</param>
        /// <param name="cbFun">Gets messages taken on the way to the awaited one (on the task's thread); null = drop and count them.</param>
        /// <param name="arg">Passed to <paramref name="body"/>.</param>
        /// <param name="mailboxCapacity">Mailbox slots, 1 or more.</param>
        /// <returns>True when the task was started.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="body"/> or <paramref name="taskName"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="mailboxCapacity"/> is below 1.</exception>
        /// <exception cref="ArgumentException">A task with this name is running.</exception>
        public static bool TaskInitEx(TaskBody body, string taskName, MessageHandler cbFun, object arg, int mailboxCapacity)
        {
            if (body == null)
            {
                throw new ArgumentNullException("body");
            }

            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            if (mailboxCapacity < 1)
            {
                throw new ArgumentOutOfRangeException("mailboxCapacity", "a mailbox needs at least 1 slot");
            }

            TaskContext task = new TaskContext(body, taskName, cbFun, arg, mailboxCapacity);
            lock (s_tasks)
            {
                if (FindLocked(taskName) != null)
                {
                    throw new ArgumentException("a task named '" + taskName + "' is already running", "taskName");
                }

                task.Thread = new Thread(task.Run);
                s_tasks.Add(task);
            }

            Interlocked.Increment(ref s_threads);
            try
            {
                task.Thread.Start();
            }
            catch (Exception)
            {
                Interlocked.Decrement(ref s_threads);
                Unregister(task);
                return false;
            }

            return true;
        }

        /// <summary>Posts a message to a task. Never blocks and never throws for a missing task.</summary>
        /// <param name="taskName">The receiving task.</param>
        /// <param name="id">The message id.</param>
        /// <param name="param">The parameter.</param>
        /// <returns>False (and counted) when no task has that name or its mailbox is full.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        public static bool SendMsg(string taskName, int id, int param)
        {
            return SendMsg(taskName, id, param, null, null);
        }

        /// <summary>Posts a message with a source and a payload to a task. Never blocks.</summary>
        /// <param name="taskName">The receiving task.</param>
        /// <param name="id">The message id.</param>
        /// <param name="param">The parameter.</param>
        /// <param name="source">The sender (for example a <see cref="NetCtrl"/> handed over), or null.</param>
        /// <param name="data">A payload, or null.</param>
        /// <returns>False (and counted) when no task has that name or its mailbox is full.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        public static bool SendMsg(string taskName, int id, int param, object source, object data)
        {
            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            TaskContext task = Find(taskName);
            if (task == null)
            {
                Interlocked.Increment(ref s_refusedNoTask);
                return false;
            }

            return task.Mailbox.Post(id, param, source, data);
        }

        /// <summary>
        /// Waits for the first message with <paramref name="id"/>. Messages taken before it, in FIFO
        /// order, go to the task's callback or are dropped and counted.
        /// </summary>
        /// <param name="taskName">The calling task's own name.</param>
        /// <param name="id">The id to wait for.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="msg">The message, when one came.</param>
        /// <returns>True when a message came, false on timeout.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is below -1.</exception>
        /// <exception cref="InvalidOperationException">No such task, or called from another thread.</exception>
        public static bool WaitMsg(string taskName, int id, int timeout, out TaskMessage msg)
        {
            return WaitCore(taskName, id, true, timeout, out msg);
        }

        /// <summary>Waits for the first message of any id.</summary>
        /// <param name="taskName">The calling task's own name.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <param name="msg">The message, when one came.</param>
        /// <returns>True when a message came, false on timeout.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is below -1.</exception>
        /// <exception cref="InvalidOperationException">No such task, or called from another thread.</exception>
        public static bool WaitMsg(string taskName, int timeout, out TaskMessage msg)
        {
            return WaitCore(taskName, 0, false, timeout, out msg);
        }

        /// <summary>Reads a task's mailbox counters.</summary>
        /// <param name="taskName">The task.</param>
        /// <param name="highWater">Most messages ever queued at once.</param>
        /// <param name="dropped">Messages taken on the way to another id with no callback to take them.</param>
        /// <param name="refused">Posts refused because the mailbox was full (socket events included).</param>
        /// <returns>False when no task has that name.</returns>
        public static bool GetMailboxStats(string taskName, out int highWater, out int dropped, out int refused)
        {
            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            TaskContext task = Find(taskName);
            if (task == null)
            {
                highWater = dropped = refused = 0;
                return false;
            }

            highWater = task.Mailbox.HighWater;
            dropped = task.Mailbox.Dropped;
            refused = task.Mailbox.Refused;
            return true;
        }

        /// <summary>
        /// Waits until the task named <paramref name="taskName"/> has ended (its body returned and
        /// its sockets were released). Not from the task itself.
        /// </summary>
        /// <param name="taskName">The task.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>True when no such task runs (any more); false on timeout.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="taskName"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is below -1.</exception>
        /// <exception cref="InvalidOperationException">Called from the task itself.</exception>
        public static bool Join(string taskName, int timeout)
        {
            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            Deadline.Validate(timeout);
            TaskContext task = Find(taskName);
            if (task == null)
            {
                return true;
            }

            if (task.IsCurrent)
            {
                throw new InvalidOperationException("a task cannot wait for its own end");
            }

            return task.Thread.Join(timeout == 0 ? Timeout.Infinite : timeout);
        }

        /// <summary>True while a task with this name is registered.</summary>
        /// <param name="taskName">The task.</param>
        public static bool Exists(string taskName)
        {
            return Find(taskName) != null;
        }

        /// <summary>The name of the task running on the calling thread, or null.</summary>
        public static string CurrentTaskName
        {
            get
            {
                Thread me = Thread.CurrentThread;
                lock (s_tasks)
                {
                    for (int i = 0; i < s_tasks.Count; i++)
                    {
                        TaskContext t = (TaskContext)s_tasks[i];
                        if (t.Thread == me)
                        {
                            return t.Name;
                        }
                    }
                }

                return null;
            }
        }

        private static bool WaitCore(string taskName, int id, bool byId, int timeout, out TaskMessage msg)
        {
            TaskContext task = Require(taskName);
            Deadline.Validate(timeout);
            Deadline deadline = new Deadline(timeout);
            Mailbox box = task.Mailbox;
            while (true)
            {
                while (box.TryTake(out msg))
                {
                    if (!byId || msg.Id == id)
                    {
                        return true;
                    }

                    task.Dispatch(msg);
                }

                if (!deadline.Wait(box.Signal))
                {
                    msg = default(TaskMessage);
                    return false;
                }
            }
        }

        /// <summary>The task named <paramref name="taskName"/>, which must be the caller.</summary>
        internal static TaskContext Require(string taskName)
        {
            if (taskName == null)
            {
                throw new ArgumentNullException("taskName");
            }

            TaskContext task = Find(taskName);
            if (task == null)
            {
                throw new InvalidOperationException("no task named '" + taskName + "' is running");
            }

            if (!task.IsCurrent)
            {
                throw new InvalidOperationException("only task '" + taskName + "' may wait on its mailbox; this call came from another thread");
            }

            return task;
        }

        internal static TaskContext Find(string taskName)
        {
            lock (s_tasks)
            {
                return FindLocked(taskName);
            }
        }

        private static TaskContext FindLocked(string taskName)
        {
            for (int i = 0; i < s_tasks.Count; i++)
            {
                TaskContext t = (TaskContext)s_tasks[i];
                if (t.Name == taskName)
                {
                    return t;
                }
            }

            return null;
        }

        internal static void Unregister(TaskContext task)
        {
            lock (s_tasks)
            {
                s_tasks.Remove(task);
            }
        }

        internal static void ThreadEnded()
        {
            Interlocked.Decrement(ref s_threads);
        }
    }
}
