using System;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// Issue 12, item 5: the structure of the blocking calls, counted instead of timed. A Tx the
    /// socket takes at once goes out on the caller's thread and wakes nothing; an echo round trip
    /// costs at most one engine-to-task wake-up (desktop), none when the task polls its own
    /// socket (the device's path). On the old main each Tx cost a TxOk round trip through the
    /// engine and each echo two wake-ups.
    /// </summary>
    public class HandoffTests : NetTest
    {
        private readonly ITestOutputHelper _out;

        public HandoffTests(ITestOutputHelper output)
        {
            _out = output;
        }

        private SocketAdapter AdapterFor(bool sweep)
        {
            return sweep ? Track(new SocketAdapter(true) { BindAddress = Loopback.Ip }) : Adapter;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ATxToAnIdleSocketWakesNothing(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (Socket listener = Loopback.Listener())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, Loopback.PortOf(listener)));
                    using (Socket peer = Loopback.Accept(listener))
                    {
                        int before = n.Handoffs;
                        int posted = n.EventsPosted;
                        byte[] d = Loopback.Pattern(1024);
                        for (int i = 0; i < 50; i++)
                        {
                            Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                            Assert.False(full);
                            Assert.Equal(d, Loopback.ReadExactly(peer, d.Length));
                        }

                        Assert.Equal(before, n.Handoffs);
                        Assert.Equal(posted, n.EventsPosted);
                        Assert.Equal(50 * 1024, n.BytesOut);
                    }

                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }
        }

        [Theory]
        [InlineData(false, 64)]
        [InlineData(false, 1024)]
        [InlineData(true, 64)]
        [InlineData(true, 1024)]
        public void AnEchoRoundTripWakesTheTaskAtMostOnce(bool sweep, int size)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            const int Rounds = 200;
            int handoffs = 0;
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, peer.Port));
                    byte[] d = Loopback.Pattern(size);
                    byte[] back = new byte[size];
                    int before = n.Handoffs;
                    for (int i = 0; i < Rounds; i++)
                    {
                        int start = n.Handoffs;
                        Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                        int got = 0;
                        while (got < size)
                        {
                            Assert.True(LibNet.Wait(me, Bound, n, out bool ev) && ev);
                            Assert.True(n.Rx(back, got, size - got, out int r));
                            got += r;
                        }

                        Assert.Equal(d, back);
                        Assert.InRange(n.Handoffs - start, 0, size <= 1024 ? 1 : 2);
                    }

                    handoffs = n.Handoffs - before;
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }

            _out.WriteLine(Rounds + " round trips of " + size + " B: " + handoffs + " hand-offs (" + (sweep ? "device path" : "desktop") + ")");
            Assert.True(handoffs <= Rounds);
        }

        /// <summary>
        /// Desktop (Select engine): once the task reads its replies itself, the engine leaves the
        /// socket to it (caller-read mode), so a reply wakes the task only. Without that mode the
        /// engine's Select also woke on every reply, found it taken and turned again: one engine
        /// turn per round trip. A reply slower than the task's first poll (a loaded machine) is
        /// left to the engine and may turn it: the bound allows half the rounds for that.
        /// </summary>
        [Theory]
        [InlineData(64)]
        [InlineData(1024)]
        public void RepliesTheTaskReadsItselfDoNotWakeTheEngine(int size)
        {
            const int Warm = 20;
            const int Rounds = 200;
            int turns = 0;
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, peer.Port));
                    byte[] d = Loopback.Pattern(size);
                    byte[] back = new byte[size];
                    int start = 0;
                    for (int i = 0; i < Warm + Rounds; i++)
                    {
                        if (i == Warm)
                        {
                            start = Adapter.Engine.Turn;
                        }

                        Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                        int got = 0;
                        while (got < size)
                        {
                            Assert.True(LibNet.Wait(me, Bound, n, out bool ev) && ev);
                            Assert.True(n.Rx(back, got, size - got, out int r));
                            got += r;
                        }

                        Assert.Equal(d, back);
                    }

                    turns = Adapter.Engine.Turn - start;
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }

            _out.WriteLine(Rounds + " round trips of " + size + " B: " + turns + " engine turns");
            Assert.InRange(turns, 0, Rounds / 2);
        }
    }
}
