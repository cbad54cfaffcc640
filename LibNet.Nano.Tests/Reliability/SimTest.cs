using System;
using System.Diagnostics;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>Base of the reliability tests: a <see cref="SimulatedAdapter"/> per test, in the leak check, and small helpers.</summary>
    public abstract class SimTest : NetTest
    {
        protected SimTest()
        {
            Sim = Track(new SimulatedAdapter(42));
        }

        /// <summary>The simulated network of this test.</summary>
        protected SimulatedAdapter Sim { get; }

        /// <summary>A TCP netc on the simulated adapter, owned by task <paramref name="me"/>.</summary>
        protected NetCtrl Tcp(string me, int txSize = NetCtrl.DefaultBufferSize, int localPort = 0)
        {
            NetCtrl n = NetCtrl.Create(Sim, me);
            n.Config(localPort, false, false, 0, 0, 0, null, null, null, null, NetCtrl.DefaultBufferSize, txSize);
            return n;
        }

        /// <summary>A TCP netc of <see cref="Tcp"/>, connected to the simulated peer's <paramref name="port"/> (asserted).</summary>
        protected NetCtrl Connected(string me, int port = 80, int txSize = NetCtrl.DefaultBufferSize)
        {
            NetCtrl n = Tcp(me, txSize);
            MustConnect(me, n, port);
            return n;
        }

        /// <summary>Connects <paramref name="n"/> to the peer address, asserting success.</summary>
        protected static void MustConnect(string me, NetCtrl n, int port)
        {
            Assert.True(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, port), "connect failed: " + NetError.Name(n.LastError));
        }

        protected static byte[] Pattern(int n, int seed = 0)
        {
            return Core.Loopback.Pattern(n, seed);
        }

        /// <summary>Reads all available bytes of <paramref name="n"/> into <paramref name="into"/> at <paramref name="at"/>.</summary>
        protected static int Drain(NetCtrl n, byte[] into, int at)
        {
            int total = 0;
            while (at + total < into.Length)
            {
                Assert.True(n.Rx(into, at + total, into.Length - at - total, out int got));
                if (got == 0)
                {
                    break;
                }

                total += got;
            }

            return total;
        }

        /// <summary>Tx, Wait and Rx until <paramref name="data"/> came back from an echo.</summary>
        protected static void EchoRoundTrip(string me, NetCtrl n, byte[] data)
        {
            Assert.True(LibNet.Tx(me, Bound, n, data, out bool full), "Tx failed: " + NetError.Name(n.LastError));
            Assert.False(full);
            byte[] back = new byte[data.Length];
            int got = Drain(n, back, 0);
            while (got < data.Length)
            {
                Assert.True(LibNet.Wait(me, Bound, n, out bool ev), "Wait failed: " + NetError.Name(n.LastError));
                Assert.True(ev, "no echo");
                got += Drain(n, back, got);
            }

            Assert.Equal(data, back);
        }

        protected static long Ms(Stopwatch sw) => sw.ElapsedMilliseconds;
    }
}
