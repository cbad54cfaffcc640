using System;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>Programming errors throw at once, specific exceptions, on the nanoCLR too; calls on a netc in the wrong state are results.</summary>
    [TestClass]
    public class BadInputTests
    {
        private static readonly byte[] s_data = new byte[10];

        [TestMethod]
        public void NullArgumentsThrowArgumentNull()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                bool b;
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.WaitLink(me, 100, null));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Connect(me, 100, null, "1.2.3.4", 80));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Connect(me, 100, n, null, 80));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Listen(me, 100, null));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Tx(me, 100, null, s_data, out b));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Tx(me, 100, n, null, out b));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Tx(me, 100, n, null, 0, 0, out b));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Wait(me, 100, null, out b));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Close(me, 100, null));
                Assert.ThrowsException(typeof(ArgumentNullException), () => LibNet.Wait(null, 100, n, out b));
                Assert.ThrowsException(typeof(ArgumentNullException), () => NetCtrl.Create(null, me));
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void OutOfRangeArgumentsThrowAndTheNetcStillWorks()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                bool b;
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 0));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 65536));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Connect(me, -2, n, SimulatedAdapter.PeerAddress, 80));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.WaitLink(me, -2, n));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Wait(me, -2, n, out b));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Close(me, -5, n));
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Tx(me, 100, n, s_data, -1, 1, out b));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => LibNet.Tx(me, 100, n, s_data, 5, 6, out b));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => n.Config(70000, false, false));
                Assert.ThrowsException(typeof(ArgumentException), () => NetCtrl.Create(sim, me).Config(0, true, true));
                Bytes.EchoRoundTrip(me, n, Bytes.Pattern(64, 1));
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void WrongTaskOrThreadThrowsInvalidOperation()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Box shared = new Box();
            ManualResetEvent done = new ManualResetEvent(false);
            string owner = Env.Start("owner", me =>
            {
                shared.Value = Bytes.Tcp(sim, me, 0);
                Assert.IsTrue(done.WaitOne(Env.Bound, false));
                bool e;
                Assert.ThrowsException(typeof(InvalidOperationException), () => LibNet.Wait("no-such-task", 100, shared.Netc, out e));
                shared.Netc.Release();
            });
            Env.Until(() => shared.Value != null, "the netc exists");
            bool ev;
            TaskMessage m;
            Assert.ThrowsException(typeof(InvalidOperationException), () => LibNet.Wait(owner, 100, shared.Netc, out ev));
            Assert.ThrowsException(typeof(InvalidOperationException), () => SysPlus.WaitMsg(owner, 100, out m));
            Assert.ThrowsException(typeof(InvalidOperationException), () => NetCtrl.Create(sim, "no-such-task"));
            Box other = new Box();
            Env.Start("other", me =>
            {
                Assert.ThrowsException(typeof(InvalidOperationException), () => LibNet.Connect(me, 100, shared.Netc, SimulatedAdapter.PeerAddress, 80));
                other.Number = 1;
            });
            Env.Until(() => other.Number == 1, "the other task tried");
            done.Set();
            Env.End();
        }

        [TestMethod]
        public void AReleasedNetcThrowsObjectDisposed()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                n.Release();
                n.Release();
                bool b;
                int r;
                Assert.ThrowsException(typeof(ObjectDisposedException), () => LibNet.WaitLink(me, 100, n));
                Assert.ThrowsException(typeof(ObjectDisposedException), () => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 80));
                Assert.ThrowsException(typeof(ObjectDisposedException), () => LibNet.Listen(me, 100, n));
                Assert.ThrowsException(typeof(ObjectDisposedException), () => LibNet.Tx(me, 100, n, s_data, out b));
                Assert.ThrowsException(typeof(ObjectDisposedException), () => LibNet.Wait(me, 100, n, out b));
                Assert.ThrowsException(typeof(ObjectDisposedException), () => LibNet.Close(me, 100, n));
                Assert.ThrowsException(typeof(ObjectDisposedException), () => n.Rx(s_data, 0, 10, out r));
            });
            Env.End();
        }

        [TestMethod]
        public void StateErrorsThrowAndANeverConnectedNetcGivesResults()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                bool full, ev;
                int read;
                Assert.ThrowsException(typeof(InvalidOperationException), () => LibNet.Listen(me, 100, n));
                Assert.IsFalse(LibNet.Tx(me, 100, n, s_data, out full), "Tx before Connect");
                Assert.IsFalse(full);
                Assert.AreEqual(NetError.NotConnected, n.LastError, NetError.Name(n.LastError));
                Assert.IsFalse(LibNet.Wait(me, 100, n, out ev), "Wait before Connect");
                Assert.IsFalse(ev);
                Assert.IsFalse(n.Rx(s_data, 0, 10, out read));
                Assert.AreEqual(0, read);
                LibNet.Close(me, 100, n);
                Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State);
                Assert.IsTrue(LibNet.WaitLink(me, 100, n));
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                Assert.ThrowsException(typeof(InvalidOperationException), () => LibNet.Connect(me, 100, n, SimulatedAdapter.PeerAddress, 80));
                Assert.ThrowsException(typeof(InvalidOperationException), () => n.Config(0, true, false));
                n.Release();
            });
            l.Close();
            Env.End();
        }
    }
}
