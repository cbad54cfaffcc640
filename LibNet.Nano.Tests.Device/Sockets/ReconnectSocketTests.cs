using System;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// The reconnect loop over nano's real sockets (issue 10, defect 1): a peer that stops
    /// reading, then closes with our bytes unread (the stack resets the connection) while the
    /// send ring still holds bytes; the same netc reconnects and its next <c>LibNet.Tx</c> must
    /// complete. On the old main the dropped bytes stayed counted as queued and every later Tx
    /// timed out.
    /// </summary>
    [TestClass]
    public class ReconnectSocketTests
    {
        [TestMethod]
        public void TxAfterAResetWithBytesQueuedCompletesOnTheNextConnection()
        {
            SocketAdapter a = Peers.Begin();
            Socket listener = Peers.Listener(2);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 4096);
            ManualResetEvent stalled = new ManualResetEvent(false);
            Box second = new Box();
            Thread peer = Peers.Run(() =>
            {
                Socket c = null;
                try
                {
                    // First connection: read nothing; once the client's ring keeps bytes, close
                    // with them unread, which resets the connection.
                    c = listener.Accept();
                    stalled.WaitOne(Env.Bound * 3, false);
                    Peers.CloseQuietly(c);
                    c = null;

                    // Second connection: read what the reconnected netc sends.
                    c = listener.Accept();
                    byte[] got = new byte[10];
                    if (Peers.ReceiveAll(c, got, 10))
                    {
                        second.Value = got;
                    }
                }
                catch (Exception)
                {
                    // The listener was closed first: the test failed before it connected.
                }

                Peers.CloseQuietly(c);
            });
            try
            {
                Env.InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(a, me);
                    n.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.DefaultBufferSize, 2048);
                    Bytes.MustConnect(me, n, Peers.Ip, Peers.PortOf(listener));

                    // Queue until the ring stays non-empty for half a second: the peer's window and
                    // both socket buffers are full.
                    byte[] chunk = Bytes.Pattern(1024, 3);
                    bool full, done, ev;
                    long t0 = Clock.Now;
                    while (true)
                    {
                        Assert.IsTrue(Clock.Since(t0) < Env.Bound * 2, "the send ring never kept bytes");
                        Assert.IsTrue(n.Tx(chunk, 0, chunk.Length, out full, out done), "Tx: " + NetError.Name(n.LastError));
                        TaskMessage m;
                        if (full && !SysPlus.WaitMsg(me, SocketEvent.TxOk, 500, out m))
                        {
                            break;
                        }
                    }

                    Assert.IsTrue(n.TxPending > 0, "nothing queued");
                    stalled.Set();

                    // The peer's close with our bytes unread ends the connection.
                    t0 = Clock.Now;
                    while (LibNet.Wait(me, Env.Bound, n, out ev) && n.State == NetCtrlState.Online)
                    {
                        Assert.IsTrue(Clock.Since(t0) < Env.Bound, "the connection never ended");
                        int got;
                        n.Rx(new byte[64], 0, 64, out got);
                    }

                    Assert.IsFalse(n.State == NetCtrlState.Online, "still online after the peer's reset");
                    LibNet.Close(me, Env.Bound, n);

                    // Reconnect the same netc; the next Tx goes out and says so.
                    Bytes.MustConnect(me, n, Peers.Ip, Peers.PortOf(listener));
                    Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(10, 5), out full), "Tx after the reconnect: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                    Assert.IsFalse(full);
                    Assert.IsTrue(peer.Join(Env.Bound), "the peer did not get the bytes sent after the reconnect");
                    Assert.IsNotNull(second.Value, "the peer's second connection ended before 10 bytes came");
                    Assert.IsTrue(Bytes.Same(Bytes.Pattern(10, 5), (byte[])second.Value), "the peer got other bytes");
                    LibNet.Close(me, Env.Bound, n);
                    n.Release();
                });
            }
            finally
            {
                stalled.Set();
                Peers.CloseQuietly(listener);
                Assert.IsTrue(peer.Join(Env.Bound * 3), "the peer did not end");
            }

            Env.End();
        }
    }
}
