using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>SysPlus: mailboxes (FIFO, by id, any id, callback or counted drop, full = refused and counted) and task lifetime.</summary>
    public class TaskTests : NetTest
    {
        private const int A = 0x100;
        private const int B = 0x200;

        [Fact]
        public void OtherIdsGoToTheCallbackOnTheTaskThreadInOrder()
        {
            ManualResetEventSlim go = new ManualResetEventSlim();
            List<TaskMessage> seen = new List<TaskMessage>();
            Thread taskThread = null;
            Thread cbThread = null;
            object src = new object();
            string name = StartTask(UniqueName("cb"), me =>
            {
                taskThread = Thread.CurrentThread;
                Assert.True(go.Wait(10000));
                Assert.True(SysPlus.WaitMsg(me, B, 10000, out TaskMessage m));
                Assert.Equal(B, m.Id);
                Assert.Equal(3, m.Param);
                Assert.Same(src, m.Source);
                Assert.Equal("payload", m.Data);
                Assert.Equal(new[] { 1, 2 }, seen.ConvertAll(x => x.Param).ToArray());

                // The message after B is still queued: WaitMsg for any id gets it.
                Assert.True(SysPlus.WaitMsg(me, 10000, out m));
                Assert.Equal(A, m.Id);
                Assert.Equal(4, m.Param);
                Assert.Equal(2, seen.Count);
                Assert.True(SysPlus.GetMailboxStats(me, out int hw, out int dropped, out int refused));
                Assert.Equal(4, hw);
                Assert.Equal(0, dropped);
                Assert.Equal(0, refused);
            }, m =>
            {
                cbThread = Thread.CurrentThread;
                seen.Add(m);
            });

            Assert.True(SysPlus.SendMsg(name, A, 1));
            Assert.True(SysPlus.SendMsg(name, A + 1, 2));
            Assert.True(SysPlus.SendMsg(name, B, 3, src, "payload"));
            Assert.True(SysPlus.SendMsg(name, A, 4));
            go.Set();
            JoinAll();
            Assert.Equal(2, seen.Count);
            Assert.Equal(A, seen[0].Id);
            Assert.Equal(A + 1, seen[1].Id);
            Assert.Same(taskThread, cbThread);
        }

        [Fact]
        public void WithoutCallbackOtherIdsAreDroppedAndCounted()
        {
            ManualResetEventSlim go = new ManualResetEventSlim();
            string name = StartTask(UniqueName("drop"), me =>
            {
                Assert.True(go.Wait(10000));
                Assert.True(SysPlus.WaitMsg(me, B, 10000, out TaskMessage m));
                Assert.Equal(7, m.Param);
                Assert.True(SysPlus.GetMailboxStats(me, out int hw, out int dropped, out int refused));
                Assert.Equal(2, dropped);
                Assert.Equal(0, refused);

                // Dropped means gone: nothing is left.
                Assert.False(SysPlus.WaitMsg(me, 20, out m));
            });
            Assert.True(SysPlus.SendMsg(name, A, 1));
            Assert.True(SysPlus.SendMsg(name, A, 2));
            Assert.True(SysPlus.SendMsg(name, B, 7));
            go.Set();
            JoinAll();
        }

        [Fact]
        public void FullMailboxRefusesAndCounts()
        {
            ManualResetEventSlim go = new ManualResetEventSlim();
            string name = StartTask(UniqueName("full"), me =>
            {
                Assert.True(go.Wait(10000));
                Assert.True(SysPlus.GetMailboxStats(me, out int hw, out int dropped, out int refused));
                Assert.Equal(3, hw);
                Assert.Equal(2, refused);

                // The first three, in order; the refused ones never arrive.
                for (int i = 1; i <= 3; i++)
                {
                    Assert.True(SysPlus.WaitMsg(me, 10000, out TaskMessage m));
                    Assert.Equal(i, m.Param);
                }

                Assert.False(SysPlus.WaitMsg(me, 20, out TaskMessage none));

                // Room again once taken.
                Assert.True(SysPlus.SendMsg(me, A, 9));
                Assert.True(SysPlus.WaitMsg(me, A, 10000, out TaskMessage again));
                Assert.Equal(9, again.Param);
            }, capacity: 3);

            for (int i = 1; i <= 3; i++)
            {
                Assert.True(SysPlus.SendMsg(name, A, i));
            }

            Assert.False(SysPlus.SendMsg(name, A, 4));
            Assert.False(SysPlus.SendMsg(name, B, 5));
            go.Set();
            JoinAll();
        }

        [Fact]
        public void AnyIdWaitIsFifoAndTimesOut()
        {
            ManualResetEventSlim go = new ManualResetEventSlim();
            string name = StartTask(UniqueName("fifo"), me =>
            {
                Assert.True(go.Wait(10000));
                for (int i = 0; i < 10; i++)
                {
                    Assert.True(SysPlus.WaitMsg(me, 10000, out TaskMessage m));
                    Assert.Equal(1000 + i, m.Id);
                    Assert.Equal(i, m.Param);
                }

                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(SysPlus.WaitMsg(me, 100, out TaskMessage none));
                Assert.InRange(sw.ElapsedMilliseconds, 90, 100 + 250);
                sw.Restart();
                Assert.False(SysPlus.WaitMsg(me, A, 100, out none));
                Assert.InRange(sw.ElapsedMilliseconds, 90, 100 + 250);
                Assert.Equal(0, none.Id);
            });
            for (int i = 0; i < 10; i++)
            {
                Assert.True(SysPlus.SendMsg(name, 1000 + i, i));
            }

            go.Set();
            JoinAll();
        }

        [Fact]
        public void WaitMsgWakesWhenAMessageComesFromAnotherThread()
        {
            ManualResetEventSlim waiting = new ManualResetEventSlim();
            long ms = -1;
            string name = StartTask(UniqueName("wake"), me =>
            {
                waiting.Set();
                Stopwatch sw = Stopwatch.StartNew();
                Assert.True(SysPlus.WaitMsg(me, B, 0, out TaskMessage m));
                ms = sw.ElapsedMilliseconds;
                Assert.Equal(5, m.Param);
            });
            Assert.True(waiting.Wait(10000));
            Thread t = new Thread(() => Assert.True(SysPlus.SendMsg(name, B, 5)));
            t.Start();
            t.Join();
            JoinAll();
            Assert.InRange(ms, 0, 2000);
        }

        [Fact]
        public void DuplicateTaskNameIsRejected()
        {
            ManualResetEventSlim go = new ManualResetEventSlim();
            string name = StartTask(UniqueName("dup"), me => Assert.True(go.Wait(10000)));
            int tasks = SysPlus.TaskCount;
            try
            {
                Assert.Throws<ArgumentException>(() => SysPlus.TaskInitEx(a => { }, name, null, null));
                Assert.Equal(tasks, SysPlus.TaskCount);
            }
            finally
            {
                go.Set();
            }

            JoinAll();

            // Once it ended the name is free again.
            Assert.False(SysPlus.Exists(name));
            StartTask(name, me => Assert.Equal(me, SysPlus.CurrentTaskName));
            JoinAll();
        }

        [Fact]
        public void TaskUnregistersItselfAfterReturnAndAfterThrow()
        {
            int tasks = SysPlus.TaskCount;
            int threads = SysPlus.ThreadCount;
            string ret = UniqueName("ret");
            string thr = UniqueName("throw");
            ManualResetEventSlim go = new ManualResetEventSlim();
            Assert.True(SysPlus.TaskInitEx(a => Assert.True(go.Wait(10000)), ret, null, null));
            Assert.True(SysPlus.TaskInitEx(a =>
            {
                Assert.True(go.Wait(10000));
                throw new InvalidOperationException("body failed on purpose");
            }, thr, null, null));
            Assert.True(SysPlus.Exists(ret));
            Assert.True(SysPlus.Exists(thr));
            Assert.Equal(tasks + 2, SysPlus.TaskCount);
            go.Set();
            Assert.True(SysPlus.Join(ret, 10000));
            Assert.True(SysPlus.Join(thr, 10000));
            Assert.False(SysPlus.Exists(ret));
            Assert.False(SysPlus.Exists(thr));
            Assert.Equal(tasks, SysPlus.TaskCount);
            Assert.False(SysPlus.SendMsg(thr, 1, 0));
            SpinWait.SpinUntil(() => SysPlus.ThreadCount == threads, 10000);
            Assert.Equal(threads, SysPlus.ThreadCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void SocketsOfAnEndedTaskAreReleased(bool throws)
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                string name = UniqueName("leaky");
                NetCtrl[] made = new NetCtrl[3];
                Assert.True(SysPlus.TaskInitEx(a =>
                {
                    // A connected TCP netc, a listener and a bound UDP netc, none closed or released.
                    made[0] = NetCtrl.Create(Adapter, name);
                    Assert.True(LibNet.Connect(name, 10000, made[0], Loopback.Ip, peer.Port));
                    made[1] = NetCtrl.Create(Adapter, name);
                    made[1].Config(Loopback.FreePort(), false, false);
                    Assert.True(made[1].Listen(out bool acc));
                    made[2] = NetCtrl.Create(Adapter, name);
                    made[2].Config(0, true, false);
                    Assert.True(LibNet.Connect(name, 10000, made[2], Loopback.Ip, peer.Port));
                    if (throws)
                    {
                        throw new InvalidOperationException("body failed on purpose");
                    }
                }, name, null, null));

                // Join returns once the body ended and its sockets were released.
                Assert.True(SysPlus.Join(name, 10000));
                Assert.Equal(0, Adapter.SocketCount);
                Assert.Equal(0, Adapter.OpenHandles);
                foreach (NetCtrl n in made)
                {
                    Assert.NotNull(n);
                    Assert.Equal(NetCtrlState.Released, n.State);
                }

                Assert.True(Adapter.WaitIdle(10000));
                Assert.Equal(0, Adapter.ThreadCount);
            }
        }

        [Fact]
        public void OnceATaskIsGoneItsSocketsAreGone()
        {
            // Exists/Join say "ended" only after the sockets the task left were released:
            // checked the moment the name disappears, many times, to catch any window between.
            using (EchoPeer peer = EchoPeer.Udp())
            {
                for (int round = 0; round < 20; round++)
                {
                    string name = UniqueName("gone");
                    ManualResetEventSlim go = new ManualResetEventSlim();
                    Assert.True(SysPlus.TaskInitEx(a =>
                    {
                        for (int i = 0; i < 4; i++)
                        {
                            NetCtrl n = NetCtrl.Create(Adapter, name);
                            n.Config(0, true, false);
                            Assert.True(LibNet.Connect(name, 10000, n, Loopback.Ip, peer.Port));
                        }

                        go.Wait(10000);
                    }, name, null, null));
                    SpinWait.SpinUntil(() => Adapter.SocketCount == 4, 10000);
                    Assert.Equal(4, Adapter.SocketCount);
                    go.Set();
                    Stopwatch sw = Stopwatch.StartNew();
                    while (SysPlus.Exists(name))
                    {
                        Assert.True(sw.ElapsedMilliseconds < 10000, "task did not end");
                    }

                    Assert.Equal(0, Adapter.SocketCount);
                    Assert.True(SysPlus.Join(name, 10000));
                }
            }
        }
    }
}