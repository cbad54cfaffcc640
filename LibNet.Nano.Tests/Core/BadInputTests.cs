using System;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>LIBNET.md section 8: every programming error is an immediate, specific exception.</summary>
    public class BadInputTests : NetTest
    {
        private const int Port = 7;

        [Fact]
        public void NullArgumentsThrowArgumentNull()
        {
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                byte[] b = new byte[8];

                // null netc
                Assert.Throws<ArgumentNullException>(() => LibNet.WaitLink(me, 100, null));
                Assert.Throws<ArgumentNullException>(() => LibNet.Connect(me, 100, null, Loopback.Ip, Port));
                Assert.Throws<ArgumentNullException>(() => LibNet.Listen(me, 100, null));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, null, b, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, null, b, 0, 1, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Wait(me, 100, null, out bool e));
                Assert.Throws<ArgumentNullException>(() => LibNet.Close(me, 100, null));

                // null host
                Assert.Throws<ArgumentNullException>(() => LibNet.Connect(me, 100, netc, null, Port));
                Assert.Throws<ArgumentNullException>(() => netc.Connect(null, Port, out bool c));

                // null data / buffer
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, netc, null, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, netc, null, 0, 1, out bool f));
                Assert.Throws<ArgumentNullException>(() => netc.Tx(null, 0, 1, out bool f, out bool d));
                Assert.Throws<ArgumentNullException>(() => netc.Rx(null, 0, 1, out int r));
                Assert.Throws<ArgumentNullException>(() => netc.Rx(null, 0, 1, out int r, out string h, out int p));
                Assert.Throws<ArgumentNullException>(() => netc.Rx(b, 0, 1, out int r, null, out int al, out int p));

                // null task name
                Assert.Throws<ArgumentNullException>(() => LibNet.WaitLink(null, 100, netc));
                Assert.Throws<ArgumentNullException>(() => LibNet.Connect(null, 100, netc, Loopback.Ip, Port));
                Assert.Throws<ArgumentNullException>(() => LibNet.Listen(null, 100, netc));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(null, 100, netc, b, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(null, 100, netc, b, 0, 1, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Wait(null, 100, netc, out bool e));
                Assert.Throws<ArgumentNullException>(() => LibNet.Close(null, 100, netc));
                Assert.Throws<ArgumentNullException>(() => SysPlus.WaitMsg(null, 1, 100, out TaskMessage m));
                Assert.Throws<ArgumentNullException>(() => SysPlus.WaitMsg(null, 100, out TaskMessage m));
                Assert.Throws<ArgumentNullException>(() => SysPlus.SendMsg(null, 1, 0));
                Assert.Throws<ArgumentNullException>(() => SysPlus.TaskInitEx(a => { }, null, null, null));
                Assert.Throws<ArgumentNullException>(() => SysPlus.TaskInitEx(null, "x", null, null));
                Assert.Throws<ArgumentNullException>(() => NetCtrl.Create(Adapter, (string)null));
                Assert.Throws<ArgumentNullException>(() => NetCtrl.Create(null, me));

                // Nothing above changed the netc.
                Assert.Equal(NetCtrlState.Idle, netc.State);
                netc.Release();
            });
        }

        [Fact]
        public void OutOfRangeArgumentsThrowArgumentOutOfRange()
        {
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                NetCtrl udp = NetCtrl.Create(Adapter, me);
                udp.Config(0, true, false);
                byte[] b = new byte[8];

                // ports
                foreach (int port in new[] { 0, -1, 65536 })
                {
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Connect(me, 100, netc, Loopback.Ip, port));
                    Assert.Throws<ArgumentOutOfRangeException>(() => netc.Connect(Loopback.Ip, port, out bool c));
                    Assert.Throws<ArgumentOutOfRangeException>(() => udp.Tx(b, 0, 1, Loopback.Ip, port, out bool f, out bool d));
                }

                Assert.Throws<ArgumentOutOfRangeException>(() => netc.Config(-1, false, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => netc.Config(65536, false, false));

                // offset / count
                foreach ((int off, int cnt) in new[] { (-1, 1), (9, 0), (0, -1), (0, 9), (4, 5), (8, 1) })
                {
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Tx(me, 100, netc, b, off, cnt, out bool f));
                    Assert.Throws<ArgumentOutOfRangeException>(() => netc.Tx(b, off, cnt, out bool f, out bool d));
                    Assert.Throws<ArgumentOutOfRangeException>(() => netc.Rx(b, off, cnt, out int r));
                    Assert.Throws<ArgumentOutOfRangeException>(() => netc.Rx(b, off, cnt, out int r, out string h, out int p));
                }

                // timeouts: 0 and -1 are "forever", below -1 is an error
                foreach (int t in new[] { -2, int.MinValue })
                {
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.WaitLink(me, t, netc));
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Connect(me, t, netc, Loopback.Ip, Port));
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Listen(me, t, netc));
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Tx(me, t, netc, b, out bool f));
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Tx(me, t, netc, b, 0, 1, out bool f));
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Wait(me, t, netc, out bool e));
                    Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Close(me, t, netc));
                    Assert.Throws<ArgumentOutOfRangeException>(() => SysPlus.WaitMsg(me, 1, t, out TaskMessage m));
                    Assert.Throws<ArgumentOutOfRangeException>(() => SysPlus.WaitMsg(me, t, out TaskMessage m));
                }

                // buffer sizes and mailbox capacity
                Assert.Throws<ArgumentOutOfRangeException>(() => netc.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.MinBufferSize - 1, 1536));
                Assert.Throws<ArgumentOutOfRangeException>(() => netc.Config(0, false, false, 0, 0, 0, null, null, null, null, 1536, NetCtrl.MaxBufferSize + 1));
                Assert.Throws<ArgumentOutOfRangeException>(() => SysPlus.TaskInitEx(a => { }, UniqueName("cap"), null, null, 0));

                Assert.Equal(NetCtrlState.Idle, netc.State);
                netc.Release();
                udp.Release();
            });
        }

        [Fact]
        public void UnknownTaskThrowsInvalidOperation()
        {
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                byte[] b = new byte[8];
                const string nobody = "no-such-task";
                Assert.Throws<InvalidOperationException>(() => LibNet.WaitLink(nobody, 100, netc));
                Assert.Throws<InvalidOperationException>(() => LibNet.Connect(nobody, 100, netc, Loopback.Ip, Port));
                Assert.Throws<InvalidOperationException>(() => LibNet.Listen(nobody, 100, netc));
                Assert.Throws<InvalidOperationException>(() => LibNet.Tx(nobody, 100, netc, b, out bool f));
                Assert.Throws<InvalidOperationException>(() => LibNet.Tx(nobody, 100, netc, b, 0, 1, out bool f));
                Assert.Throws<InvalidOperationException>(() => LibNet.Wait(nobody, 100, netc, out bool e));
                Assert.Throws<InvalidOperationException>(() => LibNet.Close(nobody, 100, netc));
                Assert.Throws<InvalidOperationException>(() => SysPlus.WaitMsg(nobody, 1, 100, out TaskMessage m));
                Assert.Throws<InvalidOperationException>(() => SysPlus.WaitMsg(nobody, 100, out TaskMessage m));
                Assert.Throws<InvalidOperationException>(() => NetCtrl.Create(Adapter, nobody));
                netc.Release();
            });
        }

        [Fact]
        public void CallsFromAnotherThreadThrowInvalidOperation()
        {
            ManualResetEventSlim created = new ManualResetEventSlim();
            ManualResetEventSlim checkedAll = new ManualResetEventSlim();
            NetCtrl netc = null;
            string name = StartTask(UniqueName("owner"), me =>
            {
                netc = NetCtrl.Create(Adapter, me);
                created.Set();
                Assert.True(checkedAll.Wait(10000));
                netc.Release();
            });
            try
            {
                Assert.True(created.Wait(10000));
                byte[] b = new byte[8];

                // The test thread is not the task: each call fails at once instead of waiting on its mailbox.
                Assert.Throws<InvalidOperationException>(() => LibNet.WaitLink(name, 100, netc));
                Assert.Throws<InvalidOperationException>(() => LibNet.Connect(name, 100, netc, Loopback.Ip, Port));
                Assert.Throws<InvalidOperationException>(() => LibNet.Listen(name, 100, netc));
                Assert.Throws<InvalidOperationException>(() => LibNet.Tx(name, 100, netc, b, out bool f));
                Assert.Throws<InvalidOperationException>(() => LibNet.Tx(name, 100, netc, b, 0, 1, out bool f));
                Assert.Throws<InvalidOperationException>(() => LibNet.Wait(name, 100, netc, out bool e));
                Assert.Throws<InvalidOperationException>(() => LibNet.Close(name, 100, netc));
                Assert.Throws<InvalidOperationException>(() => SysPlus.WaitMsg(name, 1, 100, out TaskMessage m));
                Assert.Throws<InvalidOperationException>(() => SysPlus.WaitMsg(name, 100, out TaskMessage m));

                // From another task, too, and with its own name but this task's netc.
                string intruder = StartTask(UniqueName("intruder"), other =>
                {
                    Assert.Throws<InvalidOperationException>(() => LibNet.Wait(name, 100, netc, out bool e));
                    Assert.Throws<InvalidOperationException>(() => LibNet.Wait(other, 100, netc, out bool e));
                    Assert.Throws<InvalidOperationException>(() => LibNet.Close(other, 100, netc));
                });
                Assert.True(SysPlus.Join(intruder, 10000));
            }
            finally
            {
                checkedAll.Set();
            }

            JoinAll();
        }

        [Fact]
        public void ListenWithoutLocalPortThrowsInvalidOperation()
        {
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                Assert.Throws<InvalidOperationException>(() => LibNet.Listen(me, 100, netc));
                Assert.Throws<InvalidOperationException>(() => netc.Listen(out bool a));
                netc.Config(0, true, false);
                Assert.Throws<InvalidOperationException>(() => LibNet.Listen(me, 100, netc));
                Assert.Equal(NetCtrlState.Idle, netc.State);
                Assert.Equal(0, Adapter.OpenHandles);
                netc.Release();
            });
        }

        [Fact]
        public void SendMsgToAnUnknownTaskReturnsFalseAndIsCounted()
        {
            int before = SysPlus.RefusedNoTask;
            Assert.False(SysPlus.SendMsg("no-such-task", 1, 2));
            Assert.False(SysPlus.SendMsg("no-such-task", 1, 2, new object(), null));
            Assert.Equal(before + 2, SysPlus.RefusedNoTask);
            Assert.False(SysPlus.GetMailboxStats("no-such-task", out int hw, out int dropped, out int refused));
        }

        [Fact]
        public void ConnectOrConfigWhileConnectedThrowsInvalidOperation()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.WaitLink(me, 10000, netc));
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    Assert.Throws<InvalidOperationException>(() => LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    Assert.Throws<InvalidOperationException>(() => netc.Config(0, false, false));
                    Assert.Throws<InvalidOperationException>(() => netc.Accept(me, out NetCtrl c));
                    Assert.Throws<InvalidOperationException>(() => netc.Tx(new byte[1], 0, 1, Loopback.Ip, peer.Port, out bool f, out bool d));
                    Assert.Equal(NetCtrlState.Online, netc.State);
                    netc.Release();
                });
            }
        }
    }
}