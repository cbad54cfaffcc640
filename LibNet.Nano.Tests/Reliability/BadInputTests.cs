using System;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>Programming errors throw at once, specific exceptions; calls on a netc in the wrong state are results.</summary>
    public class BadInputTests : SimTest
    {
        private static readonly byte[] Data = new byte[10];

        [Fact]
        public void NullArgumentsThrowArgumentNull()
        {
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Assert.Throws<ArgumentNullException>(() => LibNet.WaitLink(me, 100, null));
                Assert.Throws<ArgumentNullException>(() => LibNet.Connect(me, 100, null, "1.2.3.4", 80));
                Assert.Throws<ArgumentNullException>(() => LibNet.Connect(me, 100, n, null, 80));
                Assert.Throws<ArgumentNullException>(() => LibNet.Listen(me, 100, null));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, null, Data, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, n, null, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Tx(me, 100, n, null, 0, 0, out bool f));
                Assert.Throws<ArgumentNullException>(() => LibNet.Wait(me, 100, null, out bool e));
                Assert.Throws<ArgumentNullException>(() => LibNet.Close(me, 100, null));
                Assert.Throws<ArgumentNullException>(() => LibNet.Wait(null, 100, n, out bool e));
                Assert.Throws<ArgumentNullException>(() => SysPlus.SendMsg(null, 1, 1));
                n.Release();
            });
        }

        [Fact]
        public void OutOfRangeArgumentsThrowArgumentOutOfRange()
        {
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            InTask(me =>
            {
                NetCtrl n = Tcp(me, txSize: 64);
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 0));
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 65536));
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Connect(me, -2, n, SimulatedAdapter.PeerAddress, 80));
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.WaitLink(me, -2, n));
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Wait(me, -2, n, out bool e));
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Close(me, -5, n));
                MustConnect(me, n, 80);
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Tx(me, 100, n, Data, -1, 1, out bool f));
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Tx(me, 100, n, Data, 5, 6, out bool f));
                Assert.Throws<ArgumentOutOfRangeException>(() => n.Tx(new byte[65], 0, 65, out bool f, out bool d)); // socket layer: all or nothing, at most the ring
                Assert.Throws<ArgumentOutOfRangeException>(() => n.Config(70000, false, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => NetCtrl.Create(Sim, me).Config(0, false, false, 0, 0, 0, null, null, null, null, 10, 1536));
                // The netc still works after each refusal.
                EchoRoundTrip(me, n, Pattern(64));
                n.Release();
            });
            l.Close();
        }

        [Fact]
        public void WrongTaskOrThreadThrowsInvalidOperation()
        {
            NetCtrl shared = null;
            using ManualResetEventSlim done = new ManualResetEventSlim();
            string owner = StartTask(UniqueName("owner"), me =>
            {
                Volatile.Write(ref shared, Tcp(me));
                Assert.True(done.Wait(Bound));
                Assert.Throws<InvalidOperationException>(() => LibNet.Wait("no-such-task", 100, shared, out bool e));
                shared.Release();
            });
            Until(() => Volatile.Read(ref shared) != null, "the netc exists");
            // From a thread that is not the task.
            Assert.Throws<InvalidOperationException>(() => LibNet.Wait(owner, 100, shared, out bool e));
            Assert.Throws<InvalidOperationException>(() => SysPlus.WaitMsg(owner, 100, out TaskMessage m));
            // From another task, on a netc it does not own.
            InTask(me => Assert.Throws<InvalidOperationException>(() => LibNet.Connect(me, 100, shared, SimulatedAdapter.PeerAddress, 80)));
            done.Set();
            JoinAll();
        }

        [Fact]
        public void ReleasedNetcThrowsObjectDisposed()
        {
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                n.Release();
                n.Release();
                Assert.Throws<ObjectDisposedException>(() => LibNet.WaitLink(me, 100, n));
                Assert.Throws<ObjectDisposedException>(() => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 80));
                Assert.Throws<ObjectDisposedException>(() => LibNet.Listen(me, 100, n));
                Assert.Throws<ObjectDisposedException>(() => LibNet.Tx(me, 100, n, Data, out bool f));
                Assert.Throws<ObjectDisposedException>(() => LibNet.Wait(me, 100, n, out bool e));
                Assert.Throws<ObjectDisposedException>(() => LibNet.Close(me, 100, n));
                Assert.Throws<ObjectDisposedException>(() => n.Rx(Data, 0, 10, out int r));
            });
        }

        [Fact]
        public void StateErrorsThrowInvalidOperation()
        {
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Assert.Throws<InvalidOperationException>(() => LibNet.Listen(me, 100, n));
                MustConnect(me, n, 80);
                Assert.Throws<InvalidOperationException>(() => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 80));
                Assert.Throws<InvalidOperationException>(() => n.Config(0, true, false));
                n.Release();
            });
            l.Close();
        }

        [Fact]
        public void CallsOnANetcThatIsNotConnectedReturnFailure()
        {
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Assert.False(LibNet.Tx(me, 100, n, Data, out bool full));
                Assert.False(full);
                Assert.Equal(NetError.NotConnected, n.LastError);
                Assert.False(LibNet.Wait(me, 100, n, out bool ev));
                Assert.False(ev);
                Assert.True(n.Rx(Data, 0, 10, out int read) == false && read == 0);
                LibNet.Close(me, 100, n);
                Assert.Equal(NetCtrlState.Closed, n.State);
                Assert.True(LibNet.WaitLink(me, 100, n));
                n.Release();
            });
        }

        [Fact]
        public void SendMsgToAnUnknownTaskReturnsFalseAndCounts()
        {
            int before = SysPlus.RefusedNoTask;
            Assert.False(SysPlus.SendMsg("no-such-task", 1, 1));
            Assert.Equal(before + 1, SysPlus.RefusedNoTask);
        }
    }
}
