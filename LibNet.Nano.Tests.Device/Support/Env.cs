using System;
using System.Collections;
using System.Threading;
using nanoFramework.TestFramework;
using TestFrameworkShared;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// What every device test shares (the twin of the host suite's NetTest): tasks started by the
    /// test whose failures are rethrown on the test thread, adapters tracked for the leak check
    /// at the end (no netc, no open socket, no engine or worker thread, no task left), bounded
    /// waits. The launcher runs test methods one after another, without an instance, so the
    /// state is static: <see cref="Begin"/> at the start of a test, <see cref="End"/> at its end.
    /// </summary>
    public static class Env
    {
        /// <summary>Bound on every wait in a test: long enough never to be hit by a passing test.</summary>
        public const int Bound = 10000;

        /// <summary>Slack on "at once" and on timing bounds: the interpreter is slow and the machine shared.</summary>
        public const int Slack = 1500;

        private static readonly ArrayList s_runs = new ArrayList();
        private static readonly ArrayList s_adapters = new ArrayList();
        private static int s_seq;

        /// <summary>
        /// Starts a test: waits (bounded) for what an earlier, failed test may have left running and
        /// forgets it, so one failure does not cascade into the next test's leak check.
        /// </summary>
        public static void Begin()
        {
            lock (s_runs)
            {
                for (int i = 0; i < s_runs.Count; i++)
                {
                    SysPlus.Join(((TaskRun)s_runs[i]).Name, Bound);
                }

                s_runs.Clear();
            }

            lock (s_adapters)
            {
                s_adapters.Clear();
            }
        }

        /// <summary>A name unique in this run.</summary>
        public static string UniqueName(string prefix)
        {
            return prefix + "-" + Interlocked.Increment(ref s_seq);
        }

        /// <summary>Adds an adapter to the leak check of <see cref="End"/>.</summary>
        public static NetAdapter Track(NetAdapter adapter)
        {
            lock (s_adapters)
            {
                s_adapters.Add(adapter);
            }

            return adapter;
        }

        /// <summary>A simulated network with seed 42, in the leak check.</summary>
        public static SimulatedAdapter Sim()
        {
            return (SimulatedAdapter)Track(new SimulatedAdapter(42));
        }

        /// <summary>Starts <paramref name="body"/> as a task with a 16-message mailbox and no callback.</summary>
        public static string Start(string prefix, TaskTest body)
        {
            return Start(prefix, body, null, SysPlus.DefaultMailboxCapacity);
        }

        /// <summary>Starts <paramref name="body"/> as a task named after <paramref name="prefix"/>; its failure is rethrown by <see cref="JoinAll"/>.</summary>
        public static string Start(string prefix, TaskTest body, MessageHandler callback, int capacity)
        {
            TaskRun run = new TaskRun(UniqueName(prefix), body);
            lock (s_runs)
            {
                s_runs.Add(run);
            }

            Assert.IsTrue(SysPlus.TaskInitEx(new TaskBody(run.Run), run.Name, callback, null, capacity), "task " + run.Name + " did not start");
            return run.Name;
        }

        /// <summary>Runs <paramref name="body"/> in a new task and waits for it; rethrows its failure.</summary>
        public static void InTask(TaskTest body)
        {
            Start("t", body);
            JoinAll();
        }

        /// <summary>Waits for every task this test started and rethrows the first failure.</summary>
        public static void JoinAll()
        {
            TaskRun[] runs;
            lock (s_runs)
            {
                runs = new TaskRun[s_runs.Count];
                s_runs.CopyTo(runs);
            }

            for (int i = 0; i < runs.Length; i++)
            {
                Assert.IsTrue(SysPlus.Join(runs[i].Name, Bound * 3), "task " + runs[i].Name + " did not end");
            }

            for (int i = 0; i < runs.Length; i++)
            {
                Exception f = runs[i].Fault;
                if (f == null)
                {
                    continue;
                }

                if (f is SkipTestException)
                {
                    throw f;
                }

                string what = f is AssertFailedException ? f.Message : f.GetType().FullName + ": " + f.Message + " at " + f.StackTrace;
                throw new AssertFailedException("task " + runs[i].Name + " failed: " + OneLine(what));
            }
        }

        /// <summary>The leak check: every task ended, every tracked adapter idle, no task or task thread left.</summary>
        public static void End()
        {
            JoinAll();
            lock (s_adapters)
            {
                for (int i = 0; i < s_adapters.Count; i++)
                {
                    NetAdapter a = (NetAdapter)s_adapters[i];
                    Assert.IsTrue(a.WaitIdle(Bound), a.Name + " not idle: sockets=" + a.SocketCount + " handles=" + a.OpenHandles + " threads=" + a.ThreadCount);
                    Assert.AreEqual(0, a.SocketCount, a.Name + " sockets left");
                    Assert.AreEqual(0, a.OpenHandles, a.Name + " handles left");
                    Assert.AreEqual(0, a.ThreadCount, a.Name + " threads left");
                }

                s_adapters.Clear();
            }

            Assert.AreEqual(0, SysPlus.TaskCount, "tasks left");
            Assert.AreEqual(0, SysPlus.ThreadCount, "task threads left");
            lock (s_runs)
            {
                s_runs.Clear();
            }
        }

        /// <summary>Waits (bounded) until <paramref name="condition"/> holds, looking again every millisecond (the scheduler's grid); asserts it did.</summary>
        public static void Until(Condition condition, string what)
        {
            long start = Clock.Now;
            while (!condition())
            {
                if (Clock.Since(start) > Bound)
                {
                    throw new AssertFailedException("timed out waiting until " + what);
                }

                Thread.Sleep(1);
            }
        }

        /// <summary>True when the task's thread is blocked in a wait (its blocking call is under way).</summary>
        public static bool Blocked(string task)
        {
            TaskRun run = Find(task);
            Thread t = run == null ? null : run.Thread;
            return t != null && (t.ThreadState & ThreadState.WaitSleepJoin) != 0;
        }

        /// <summary>Asserts <paramref name="ms"/> is below the slack ("at once").</summary>
        public static void AtOnce(long ms, string what)
        {
            Assert.IsTrue(ms < Slack, what + " took " + ms + " ms (bound " + Slack + ")");
        }

        /// <summary>Asserts a call with timeout <paramref name="timeout"/> returned at its deadline: not early, not much later.</summary>
        public static void AtDeadline(long ms, int timeout, string what)
        {
            Assert.IsTrue(ms >= timeout - 10 && ms < timeout + Slack, what + " returned after " + ms + " ms, deadline " + timeout + " ms");
        }

        /// <summary>The text on one line: the launcher reports a result as one line.</summary>
        public static string OneLine(string text)
        {
            char[] c = text.ToCharArray();
            int n = 0;
            for (int i = 0; i < c.Length; i++)
            {
                if (c[i] == '\r')
                {
                    continue;
                }

                c[n++] = c[i] == '\n' ? ' ' : c[i];
            }

            return new string(c, 0, n).Trim();
        }

        private static TaskRun Find(string name)
        {
            lock (s_runs)
            {
                for (int i = 0; i < s_runs.Count; i++)
                {
                    TaskRun r = (TaskRun)s_runs[i];
                    if (r.Name == name)
                    {
                        return r;
                    }
                }
            }

            return null;
        }
    }
}
