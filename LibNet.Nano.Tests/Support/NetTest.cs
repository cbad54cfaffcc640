using System;
using System.Collections.Generic;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests
{
    /// <summary>
    /// Base for tests: a fresh loopback-only <see cref="SocketAdapter"/> per test, helpers that run
    /// test code inside a LibNet task (rethrowing its assertion failures on the test thread), and
    /// the leak check after every test: every task ended, the adapter idle (no netc, no open
    /// socket, no engine or worker thread), global task and thread counts back where they were.
    /// </summary>
    public abstract class NetTest : IDisposable
    {
        /// <summary>Bound on every wait in a test: long enough never to be hit by a passing test.</summary>
        protected const int Bound = 10000;

        /// <summary>
        /// Slack on timing bounds ("at once", "at its deadline"): what a wake-up may take on the
        /// shared, loaded 2-core machine. Far below <see cref="Bound"/>, the deadline of the calls
        /// these bounds watch, so a call that waits out its deadline, or most of it, fails them.
        /// </summary>
        internal const int Slack = 1500;

        private readonly int _tasksBefore;
        private readonly int _threadsBefore;
        private readonly List<string> _tasks = new List<string>();
        private readonly List<NetAdapter> _adapters = new List<NetAdapter>();
        private readonly Dictionary<string, Exception> _faults = new Dictionary<string, Exception>();
        private static int s_seq;

        protected NetTest()
        {
            _tasksBefore = SysPlus.TaskCount;
            _threadsBefore = SysPlus.ThreadCount;
            Adapter = Track(new SocketAdapter { BindAddress = "127.0.0.1" });
        }

        /// <summary>The loopback socket adapter of this test.</summary>
        protected SocketAdapter Adapter { get; }

        /// <summary>
        /// The adapter for a test run on both engine paths: this test's Select adapter, or (with
        /// <paramref name="sweep"/>) a tracked loopback adapter with the device's poll-sweep engine.
        /// </summary>
        protected SocketAdapter AdapterFor(bool sweep)
        {
            return sweep ? Track(new SocketAdapter(true) { BindAddress = "127.0.0.1" }) : Adapter;
        }

        /// <summary>Adds an adapter to the after-test leak check.</summary>
        protected T Track<T>(T adapter) where T : NetAdapter
        {
            _adapters.Add(adapter);
            return adapter;
        }

        /// <summary>A task name unique in this test run.</summary>
        protected static string UniqueName(string prefix)
        {
            return prefix + "-" + Interlocked.Increment(ref s_seq);
        }

        /// <summary>Starts <paramref name="body"/> as a task; its exceptions are rethrown by <see cref="JoinAll"/>.</summary>
        protected string StartTask(string name, Action<string> body, MessageHandler cb = null, int capacity = SysPlus.DefaultMailboxCapacity)
        {
            lock (_tasks)
            {
                _tasks.Add(name);
            }

            bool started = SysPlus.TaskInitEx(
                arg =>
                {
                    try
                    {
                        body(name);
                    }
                    catch (Exception ex)
                    {
                        lock (_faults)
                        {
                            _faults[name] = ex;
                        }
                    }
                },
                name,
                cb,
                null,
                capacity);
            Assert.True(started);
            return name;
        }

        /// <summary>Waits (bounded) until <paramref name="condition"/> holds; asserts it did.</summary>
        protected static void Until(Func<bool> condition, string what)
        {
            Assert.True(SpinWait.SpinUntil(condition, Bound), "timed out waiting until " + what);
        }

        /// <summary>True when the task's thread is blocked in a wait (a blocking call, a native socket poll on the device path, or a lock on the way into one).</summary>
        protected static bool Blocked(string task)
        {
            TaskContext t = SysPlus.Find(task);
            return t != null && t.Thread != null
                && ((t.Thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0 || Volatile.Read(ref t.InNativePoll) != 0);
        }

        /// <summary>
        /// Waits (bounded) until task <paramref name="task"/> is blocked inside <paramref name="call"/>:
        /// the task marked the call entered right before making it, has not returned from it, and its
        /// thread waits. Only then may a test make the data, message, close or link change the
        /// call must react to: sooner, the call would find it already there and never block.
        /// <paramref name="also"/>, when given, must hold at the same moment.
        /// </summary>
        protected static void UntilBlocked(string task, WatchedCall call, Func<bool> also = null)
        {
            Until(() => (also == null || also()) && call.Inside && Blocked(task), task + " is blocked in its call");
        }

        /// <summary>Messages posted to the task's mailbox so far (counted before the task can take them).</summary>
        protected static int MessagesPosted(string task)
        {
            TaskContext t = SysPlus.Find(task);
            Assert.NotNull(t);
            return t.Mailbox.Posted;
        }

        /// <summary>Runs <paramref name="body"/> in a new task and waits for it; rethrows its failure.</summary>
        protected void InTask(Action<string> body, MessageHandler cb = null, int capacity = SysPlus.DefaultMailboxCapacity)
        {
            string name = StartTask(UniqueName("t"), body, cb, capacity);
            Assert.True(SysPlus.Join(name, Bound * 3), "task " + name + " did not end");

            // Joined: JoinAll need not remember it (a test running thousands of tasks keeps its memory flat).
            lock (_tasks)
            {
                _tasks.Remove(name);
            }

            ThrowFaults();
        }

        /// <summary>Waits for every task this test started and rethrows the first failure.</summary>
        protected void JoinAll()
        {
            string[] names;
            lock (_tasks)
            {
                names = _tasks.ToArray();
            }

            foreach (string n in names)
            {
                Assert.True(SysPlus.Join(n, Bound * 3), "task " + n + " did not end");
            }

            ThrowFaults();
        }

        private void ThrowFaults()
        {
            lock (_faults)
            {
                foreach (KeyValuePair<string, Exception> f in _faults)
                {
                    _faults.Clear();
                    throw new Xunit.Sdk.XunitException("task " + f.Key + " failed: " + f.Value);
                }
            }
        }

        /// <summary>The leak check, after every test.</summary>
        public virtual void Dispose()
        {
            JoinAll();
            foreach (NetAdapter a in _adapters)
            {
                Assert.True(a.WaitIdle(Bound), a.Name + " not idle: sockets=" + a.SocketCount + " handles=" + a.OpenHandles + " threads=" + a.ThreadCount);
                Assert.Equal(0, a.SocketCount);
                Assert.Equal(0, a.OpenHandles);
                Assert.Equal(0, a.ThreadCount);
            }

            Assert.Equal(_tasksBefore, SysPlus.TaskCount);
            Assert.Equal(_threadsBefore, SysPlus.ThreadCount);
        }
    }
}
