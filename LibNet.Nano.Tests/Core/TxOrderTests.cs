using System;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using NanoLibNet.Tests.Reliability;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// Issue 12, item 2: a caller sends on its own thread only what the socket takes at once and
    /// only when nothing is queued before it, so the byte order holds whatever mix of queued and
    /// direct sends a stream gets. Under load: a reader that reads in small, uneven pieces, and
    /// the two send paths (socket-layer Tx, which queues what the socket does not take, and the
    /// streaming LibNet.Tx) interleaved in random sizes.
    /// </summary>
    public class TxOrderTests : SimTest
    {
        private readonly ITestOutputHelper _out;

        public TxOrderTests(ITestOutputHelper output)
        {
            _out = output;
        }

        [Theory]
        [InlineData("select")]
        [InlineData("sweep")]
        [InlineData("sim")]
        public void QueuedAndDirectSendsKeepTheByteOrderUnderLoad(string kind)
        {
            NetAdapter adapter = kind == "sim" ? Sim : AdapterFor(kind == "sweep");
            byte[] src = Pattern(kind == "sim" ? 4 * 1024 * 1024 : 24 * 1024 * 1024, 11);
            byte[] got = new byte[src.Length];
            int received = 0;
            const int PauseAt = 1024 * 1024;
            ManualResetEventSlim sawQueued = new ManualResetEventSlim();
            int queuedTx = 0;
            int directTx = 0;
            Thread reader;
            Socket listener = null;
            SimListener simListener = null;
            int port;
            if (kind == "sim")
            {
                simListener = Sim.Listen(80);
                simListener.ReceiveWindow = 3000;
                port = 80;
            }
            else
            {
                listener = Loopback.Listener(4, 8192);
                port = Loopback.PortOf(listener);
            }

            // The reader: small, uneven reads (1 to 1024 bytes), so the sender's socket is often full;
            // after the first MB it stops until the sender saw a Tx queued (its socket full).
            reader = new Thread(() =>
            {
                Random r = new Random(5);
                if (simListener != null)
                {
                    SimPeer p = simListener.Accept(Bound);
                    while (received < got.Length)
                    {
                        if (received >= PauseAt)
                        {
                            sawQueued.Wait(Bound);
                        }

                        int n = p.Read(got, received, Math.Min(got.Length - received, 1 + r.Next(1024)), Bound);
                        if (n <= 0)
                        {
                            return;
                        }

                        received += n;
                    }

                    return;
                }

                using (Socket s = listener.Accept())
                {
                    s.ReceiveTimeout = Bound;
                    while (received < got.Length)
                    {
                        if (received >= PauseAt)
                        {
                            sawQueued.Wait(Bound);
                        }

                        int n = s.Receive(got, received, Math.Min(got.Length - received, 1 + r.Next(1024)), SocketFlags.None);
                        if (n <= 0)
                        {
                            return;
                        }

                        received += n;
                    }
                }
            }) { IsBackground = true };
            reader.Start();

            InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(adapter, me);
                n.Config(0, false, false);
                Assert.True(LibNet.Connect(me, Bound, n, kind == "sim" ? SimulatedAdapter.PeerAddress : Loopback.Ip, port), NetError.Name(n.LastError));
                Random r = new Random(3);
                int pos = 0;
                while (pos < src.Length)
                {
                    int size = Math.Min(src.Length - pos, 1 + r.Next(3 * NetCtrl.DefaultBufferSize));
                    bool fill = pos >= PauseAt && !sawQueued.IsSet;
                    if (fill)
                    {
                        // The reader has stopped: socket-layer Tx only, until one is queued.
                        size = Math.Min(size, n.TxCapacity);
                    }

                    if ((fill || r.Next(2) == 0) && size <= n.TxCapacity)
                    {
                        // Socket layer: all or nothing; what the socket does not take is queued.
                        Assert.True(n.Tx(src, pos, size, out bool full, out bool done), NetError.Name(n.LastError));
                        if (full)
                        {
                            sawQueued.Set();
                            SysPlus.WaitMsg(me, SocketEvent.TxOk, 100, out TaskMessage ignored);
                            continue;
                        }

                        if (!done)
                        {
                            queuedTx++;
                            sawQueued.Set();
                        }
                    }
                    else
                    {
                        Assert.True(LibNet.Tx(me, Bound, n, src, pos, size, out bool full), NetError.Name(n.LastError));
                        Assert.False(full);
                        directTx++;
                    }

                    pos += size;
                }

                // Everything queued goes out before the close ends.
                Assert.True(LibNet.Tx(me, Bound, n, src, 0, 0, out bool last));
                while (n.TxPending > 0)
                {
                    SysPlus.WaitMsg(me, SocketEvent.TxOk, 100, out TaskMessage ignored);
                }

                LibNet.Close(me, Bound, n);
                n.Release();
            });

            Assert.True(reader.Join(Bound * 3), "the reader did not get everything: " + received + " of " + src.Length);
            listener?.Close();
            _out.WriteLine(kind + ": " + queuedTx + " socket-layer Tx partly queued, " + directTx + " LibNet.Tx");
            Assert.Equal(src.Length, received);
            Assert.True(got.AsSpan().SequenceEqual(src), "the byte order was not kept");
            Assert.True(queuedTx > 0, "no Tx was queued: the test did not mix the two paths");
        }
    }
}
