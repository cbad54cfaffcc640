using System;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>
    /// Frictions in LibNet met while writing the MQTT client (docs/mqtt.md, "Findings about
    /// LibNet"), as regression tests of LibNet's public API: the MQTT client depends on them.
    /// </summary>
    public class LibNetFindingsTests : SimMqttTest
    {
        /// <summary>
        /// Finding 1: after a connection fails (peer reset) and the task closes the netc with
        /// <see cref="NetCtrl.Close"/>, the next connection of the same netc must not get the old
        /// connection's failure from its first <see cref="LibNet.Tx"/>. Failed on main 02977ca
        /// (false with the old error while Online); passes since main 2b6305a (connect epochs).
        /// </summary>
        [Fact]
        public void TxOnANewConnectionIsNotFailedByTheOldOne()
        {
            using ManualResetEventSlim dropped = new ManualResetEventSlim();
            StartTask(UniqueName("r"), me =>
            {
                NetCtrl n = NetCtrl.Create(Sim, me);
                Assert.True(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, Port));
                byte[] data = new byte[1500];
                bool full;
                for (int i = 0; i < 3; i++)
                {
                    LibNet.Tx(me, Bound, n, data, out full); // the peer resets after 100 bytes
                }

                n.Close();
                dropped.Set();
                Assert.True(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, Port));
                bool ok = LibNet.Tx(me, Bound, n, new byte[10], out full);
                Assert.True(ok, "Tx on the new connection failed with " + NetError.Name(n.LastError) + " in state " + n.State);
                n.Release();
            });
            SimPeer p = Listener.Accept(Bound);
            byte[] part = new byte[100];
            Assert.True(p.ReadExactly(part, 0, 100, Bound));
            p.Reset();
            Assert.True(dropped.Wait(Bound));
            SimPeer q = Listener.Accept(Bound);
            Assert.NotNull(q);
            byte[] ten = new byte[10];
            q.ReadExactly(ten, 0, 10, 3000);
            JoinAll();
        }
    }
}
