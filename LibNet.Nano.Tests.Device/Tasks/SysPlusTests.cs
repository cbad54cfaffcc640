using System;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>Tasks and mailboxes (SysPlus) on the nanoCLR: messages, ids, callback, timeouts, the bounded mailbox and its counters.</summary>
    [TestClass]
    public class SysPlusTests
    {
        private static readonly object s_source = new object();
        private static readonly object s_data = new object();

        [TestMethod]
        public void MessagesArriveInOrderWithTheirFields()
        {
            Env.Begin();
            ManualResetEvent go = new ManualResetEvent(false);
            string name = Env.Start("fifo", me =>
            {
                Assert.IsTrue(go.WaitOne(Env.Bound, false), "never released");
                Assert.AreEqual(me, SysPlus.CurrentTaskName);
                TaskMessage m;
                for (int i = 1; i <= 3; i++)
                {
                    Assert.IsTrue(SysPlus.WaitMsg(me, Env.Bound, out m), "message " + i + " did not come");
                    Assert.AreEqual(i, m.Id, "id");
                    Assert.AreEqual(i * 10, m.Param, "param");
                    Assert.IsTrue(m.Source == (i == 1 ? s_source : null), "source of message " + i);
                    Assert.IsTrue(m.Data == (i == 1 ? s_data : null), "data of message " + i);
                }
            });
            Assert.IsTrue(SysPlus.SendMsg(name, 1, 10, s_source, s_data));
            Assert.IsTrue(SysPlus.SendMsg(name, 2, 20));
            Assert.IsTrue(SysPlus.SendMsg(name, 3, 30));
            Assert.IsNull(SysPlus.CurrentTaskName, "the test thread is no task");
            go.Set();
            Env.End();
        }

        [TestMethod]
        public void WaitMsgByIdHandsSkippedMessagesToTheCallbackOnTheTasksThread()
        {
            Env.Begin();
            Box seen = new Box();
            Box thread = new Box();
            Box wrongThread = new Box();
            MessageHandler cb = m =>
            {
                seen.Number = seen.Number * 10 + m.Id;
                if (Thread.CurrentThread != thread.Value)
                {
                    wrongThread.Number++;
                }
            };
            ManualResetEvent go = new ManualResetEvent(false);
            string name = Env.Start("cb", me =>
            {
                thread.Value = Thread.CurrentThread;
                Assert.IsTrue(go.WaitOne(Env.Bound, false), "never released");
                TaskMessage m;
                Assert.IsTrue(SysPlus.WaitMsg(me, 7, Env.Bound, out m), "id 7 did not come");
                Assert.AreEqual(7, m.Id);
                Assert.AreEqual(70, m.Param);
            }, cb, 16);
            SysPlus.SendMsg(name, 5, 50);
            SysPlus.SendMsg(name, 6, 60);
            SysPlus.SendMsg(name, 7, 70);
            go.Set();
            Env.JoinAll();
            Assert.AreEqual(56L, seen.Number, "the callback gets the skipped messages, in order");
            Assert.AreEqual(0L, wrongThread.Number, "the callback runs on the task's thread");
            Env.End();
        }

        [TestMethod]
        public void WithoutCallbackSkippedMessagesAreDroppedAndCounted()
        {
            Env.Begin();
            ManualResetEvent go = new ManualResetEvent(false);
            string name = Env.Start("drop", me =>
            {
                Assert.IsTrue(go.WaitOne(Env.Bound, false), "never released");
                TaskMessage m;
                Assert.IsTrue(SysPlus.WaitMsg(me, 3, Env.Bound, out m));
                int high, dropped, refused;
                Assert.IsTrue(SysPlus.GetMailboxStats(me, out high, out dropped, out refused));
                Assert.AreEqual(2, dropped, "dropped");
                Assert.AreEqual(3, high, "high-water mark");
                Assert.AreEqual(0, refused, "refused");
                Assert.IsFalse(SysPlus.WaitMsg(me, 50, out m), "the dropped messages are gone");
            });
            SysPlus.SendMsg(name, 1, 0);
            SysPlus.SendMsg(name, 2, 0);
            SysPlus.SendMsg(name, 3, 0);
            go.Set();
            Env.End();
        }

        [TestMethod]
        public void WaitMsgTimesOutAtItsDeadline()
        {
            Env.Begin();
            Env.InTask(me =>
            {
                TaskMessage m;
                long t0 = Clock.Now;
                Assert.IsFalse(SysPlus.WaitMsg(me, 1, 300, out m));
                Env.AtDeadline(Clock.Since(t0), 300, "WaitMsg(300)");
                Assert.AreEqual(0, m.Id, "no message on timeout");
                t0 = Clock.Now;
                Assert.IsFalse(SysPlus.WaitMsg(me, 100, out m));
                Env.AtDeadline(Clock.Since(t0), 100, "WaitMsg(any, 100)");
            });
            Env.End();
        }

        [TestMethod]
        public void ZeroAndMinusOneWaitUntilAMessageComes()
        {
            Env.Begin();
            Box phase = new Box();
            string name = Env.Start("forever", me =>
            {
                TaskMessage m;
                phase.Number = 1;
                long t0 = Clock.Now;
                Assert.IsTrue(SysPlus.WaitMsg(me, 5, 0, out m), "timeout 0 waits forever");
                Assert.IsTrue(Clock.Since(t0) >= 200, "returned before the message was sent");
                phase.Number = 2;
                Assert.IsTrue(SysPlus.WaitMsg(me, 5, Timeout.Infinite, out m), "timeout -1 waits forever");
            });
            for (int p = 1; p <= 2; p++)
            {
                int want = p;
                Env.Until(() => phase.Number == want && Env.Blocked(name), "the task waits (" + p + ")");
                Thread.Sleep(250);
                Assert.IsTrue(SysPlus.SendMsg(name, 5, 0));
            }

            Env.End();
        }

        [TestMethod]
        public void FullMailboxRefusesAndCountsThenDeliversInOrder()
        {
            Env.Begin();
            ManualResetEvent go = new ManualResetEvent(false);
            string name = Env.Start("full", me =>
            {
                Assert.IsTrue(go.WaitOne(Env.Bound, false), "never released");
                TaskMessage m;
                for (int i = 0; i < 4; i++)
                {
                    Assert.IsTrue(SysPlus.WaitMsg(me, Env.Bound, out m));
                    Assert.AreEqual(i, m.Param, "order");
                }

                Assert.IsFalse(SysPlus.WaitMsg(me, 50, out m), "refused messages must not appear");
            }, null, 4);
            for (int i = 0; i < 4; i++)
            {
                Assert.IsTrue(SysPlus.SendMsg(name, 1, i), "slot " + i);
            }

            Assert.IsFalse(SysPlus.SendMsg(name, 1, 4), "a full mailbox refuses");
            Assert.IsFalse(SysPlus.SendMsg(name, 1, 5), "a full mailbox refuses");
            int high, dropped, refused;
            Assert.IsTrue(SysPlus.GetMailboxStats(name, out high, out dropped, out refused));
            Assert.AreEqual(4, high, "high-water mark");
            Assert.AreEqual(2, refused, "refused");
            Assert.AreEqual(0, dropped, "dropped");
            go.Set();
            Env.End();
        }

        [TestMethod]
        public void RingKeepsOrderAcrossManyWrapArounds()
        {
            Env.Begin();
            const int Count = 300;
            Box bad = new Box();
            string name = Env.Start("ring", me =>
            {
                TaskMessage m;
                for (int i = 0; i < Count; i++)
                {
                    Assert.IsTrue(SysPlus.WaitMsg(me, Env.Bound, out m), "message " + i + " did not come");
                    if (m.Param != i || m.Id != 1 + (i % 3) || m.Data != (i % 2 == 0 ? (object)s_data : null))
                    {
                        bad.Number++;
                    }
                }
            }, null, 3);
            int refusals = 0;
            for (int i = 0; i < Count; i++)
            {
                while (!SysPlus.SendMsg(name, 1 + (i % 3), i, null, i % 2 == 0 ? s_data : null))
                {
                    refusals++;
                    Thread.Sleep(0);
                }
            }

            Env.JoinAll();
            Assert.AreEqual(0L, bad.Number, "messages out of order or with wrong fields");
            Env.End();
            OutputHelper.WriteLine("ring of 3: " + Count + " messages, " + refusals + " refusals on the way");
        }

        [TestMethod]
        public void SendMsgToAnUnknownTaskReturnsFalseAndCounts()
        {
            Env.Begin();
            int before = SysPlus.RefusedNoTask;
            Assert.IsFalse(SysPlus.SendMsg("nobody-here", 1, 2));
            Assert.AreEqual(before + 1, SysPlus.RefusedNoTask);
            int high, dropped, refused;
            Assert.IsFalse(SysPlus.GetMailboxStats("nobody-here", out high, out dropped, out refused));
            Env.End();
        }

        [TestMethod]
        public void BadArgumentsThrowAtOnce()
        {
            Env.Begin();
            TaskBody body = arg => { };
            Assert.ThrowsException(typeof(ArgumentNullException), () => SysPlus.TaskInitEx(null, "x", null, null));
            Assert.ThrowsException(typeof(ArgumentNullException), () => SysPlus.TaskInitEx(body, null, null, null));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => SysPlus.TaskInitEx(body, "x", null, null, 0));
            Assert.ThrowsException(typeof(ArgumentNullException), () => SysPlus.SendMsg(null, 1, 1));
            TaskMessage m;
            Assert.ThrowsException(typeof(InvalidOperationException), () => SysPlus.WaitMsg("nobody-here", 1, 10, out m));
            ManualResetEvent go = new ManualResetEvent(false);
            string name = Env.Start("bad", me =>
            {
                TaskMessage mm;
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => SysPlus.WaitMsg(me, 1, -2, out mm));
                Assert.ThrowsException(typeof(InvalidOperationException), () => SysPlus.Join(me, 10));
                Assert.IsTrue(go.WaitOne(Env.Bound, false), "never released");
            });
            Assert.ThrowsException(typeof(InvalidOperationException), () => SysPlus.WaitMsg(name, 1, 10, out m));
            Assert.ThrowsException(typeof(ArgumentException), () => SysPlus.TaskInitEx(body, name, null, null));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => SysPlus.Join(name, -2));
            go.Set();
            Env.End();
        }

        [TestMethod]
        public void AnEndedTaskIsGoneAndItsNameFree()
        {
            Env.Begin();
            ManualResetEvent go = new ManualResetEvent(false);
            string name = Env.Start("end", me => Assert.IsTrue(go.WaitOne(Env.Bound, false), "never released"));
            Assert.IsTrue(SysPlus.Exists(name));
            Assert.AreEqual(1, SysPlus.TaskCount);
            Assert.IsFalse(SysPlus.Join(name, 50), "Join returned while the task ran");
            go.Set();
            Assert.IsTrue(SysPlus.Join(name, Env.Bound));
            Assert.IsFalse(SysPlus.Exists(name));
            Assert.AreEqual(0, SysPlus.TaskCount);
            Assert.AreEqual(0, SysPlus.ThreadCount);
            Assert.IsFalse(SysPlus.SendMsg(name, 1, 1), "an ended task takes no message");

            // The name can be used again.
            Assert.IsTrue(SysPlus.TaskInitEx(arg => { }, name, null, null));
            Assert.IsTrue(SysPlus.Join(name, Env.Bound));
            Env.End();
        }

        [TestMethod]
        public void ATaskThatThrowsStillReleasesItsSockets()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Assert.IsTrue(SysPlus.TaskInitEx(arg =>
            {
                NetCtrl n = Bytes.Tcp(sim, "thrower", 0);
                throw new InvalidOperationException("task body fails on purpose");
            }, "thrower", null, null));
            Assert.IsTrue(SysPlus.Join("thrower", Env.Bound));
            Assert.AreEqual(0, sim.SocketCount, "the task's netc was not released");
            Env.End();
        }

        [TestMethod]
        public void MessagesFromManyThreadsAreAllCountedOnce()
        {
            Env.Begin();
            const int Senders = 4;
            const int Each = 50;
            Box sum = new Box();
            string name = Env.Start("many", me =>
            {
                TaskMessage m;
                long s = 0;
                for (int i = 0; i < Senders * Each; i++)
                {
                    Assert.IsTrue(SysPlus.WaitMsg(me, Env.Bound, out m), "message " + i + " did not come");
                    s += m.Param;
                }

                sum.Number = s;
            }, null, 8);
            Thread[] threads = new Thread[Senders];
            for (int t = 0; t < Senders; t++)
            {
                int id = t;
                threads[t] = new Thread(() =>
                {
                    for (int i = 0; i < Each; i++)
                    {
                        while (!SysPlus.SendMsg(name, 1, id * 1000 + i))
                        {
                            Thread.Sleep(0);
                        }
                    }
                });
                threads[t].Start();
            }

            for (int t = 0; t < Senders; t++)
            {
                Assert.IsTrue(threads[t].Join(Env.Bound), "sender " + t + " did not end");
            }

            Env.JoinAll();
            long want = 0;
            for (int t = 0; t < Senders; t++)
            {
                for (int i = 0; i < Each; i++)
                {
                    want += t * 1000 + i;
                }
            }

            Assert.AreEqual(want, sum.Number, "every message exactly once");
            Env.End();
        }
    }
}
