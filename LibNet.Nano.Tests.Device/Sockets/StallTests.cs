using System;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// One adapter, one engine thread for all its sockets: a peer that stops reading must stall
    /// its own connection only. On nano every socket call blocks until it is done (there is no
    /// non-blocking mode), so this is where the device flavour can differ from desktop .NET.
    /// </summary>
    [TestClass]
    public class StallTests
    {
        [TestMethod]
        public void APeerThatStopsReadingDoesNotHoldUpTheAdaptersOtherSockets()
        {
            SocketAdapter a = Peers.Begin();
            EchoPeer echo = new EchoPeer();
            Socket deaf = Peers.Listener(1);
            deaf.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 4096);
            Box held = new Box();
            ManualResetEvent release = new ManualResetEvent(false);
            Thread peer = Peers.Run(() =>
            {
                try
                {
                    Socket c = deaf.Accept();
                    held.Value = c;
                    release.WaitOne(Env.Bound * 3, false);
                    Peers.CloseQuietly(c);
                }
                catch (Exception)
                {
                    // The listener was closed first.
                }
            });
            ManualResetEvent stalled = new ManualResetEvent(false);
            Box queued = new Box();
            Box stalledNetc = new Box();
            try
            {
                Env.Start("stalled", me =>
                {
                    NetCtrl n = NetCtrl.Create(a, me);
                    n.Config(0, false, false, 0, 0, 0, null, null, null, null, 1024, 32768);
                    Bytes.MustConnect(me, n, Peers.Ip, Peers.PortOf(deaf));
                    stalledNetc.Value = n;
                    byte[] chunk = Bytes.Pattern(8192, 3);
                    bool full, done;
                    long total = 0;

                    // Queue until the ring stays full: the peer's window and both socket buffers are full.
                    long t0 = Clock.Now;
                    while (total < 8 * 1024 * 1024 && Clock.Since(t0) < Env.Bound)
                    {
                        Assert.IsTrue(n.Tx(chunk, 0, chunk.Length, out full, out done), "Tx: " + NetError.Name(n.LastError));
                        if (!full)
                        {
                            total += chunk.Length;
                            continue;
                        }

                        TaskMessage m;
                        if (!SysPlus.WaitMsg(me, SocketEvent.TxOk, 500, out m))
                        {
                            break;
                        }
                    }

                    queued.Number = total;
                    stalled.Set();
                    Assert.IsTrue(release.WaitOne(Env.Bound * 3, false), "never released");
                    LibNet.Close(me, 100, n);
                    n.Release();
                });
                Assert.IsTrue(stalled.WaitOne(Env.Bound * 2, false), "the sender never stalled");
                OutputHelper.WriteLine("queued " + queued.Number + " bytes before the peer's window, the socket buffers and the ring were full");

                // Meanwhile another socket of the same adapter exchanges data, at once.
                Box elapsed = new Box();
                ManualResetEvent otherDone = new ManualResetEvent(false);
                Env.Start("other", me =>
                {
                    NetCtrl n = Bytes.Tcp(a, me, 0);
                    long t0 = Clock.Now;
                    bool ok = LibNet.Connect(me, 3000, n, Peers.Ip, echo.Port);
                    bool full;
                    ok = ok && LibNet.Tx(me, 3000, n, Bytes.Pattern(100, 1), out full) && !full;
                    bool ev = false;
                    ok = ok && LibNet.Wait(me, 3000, n, out ev) && ev;
                    elapsed.Number = Clock.Since(t0);
                    otherDone.Set();
                    Assert.IsTrue(ok, "an echo on another socket of the adapter did not complete while one peer stalled ("
                        + NetError.Name(n.LastError) + ", state " + n.State + ", " + elapsed.Number + " ms): the engine is held by the stalled send");
                    n.Release();
                });
                // (Not "until elapsed != 0": an echo faster than the clock's millisecond measures 0.)
                Assert.IsTrue(otherDone.WaitOne(Env.Bound, false), "the other socket's echo did not end");
                release.Set();
                Env.JoinAll();
                Env.AtOnce(elapsed.Number, "the other socket's echo");
            }
            finally
            {
                release.Set();
                Peers.CloseQuietly(deaf);
                Assert.IsTrue(peer.Join(Env.Bound * 3), "the deaf peer did not end");
                Assert.IsTrue(echo.Stop(), "the echo peer did not end");
            }

            Env.End();
        }
    }
}
