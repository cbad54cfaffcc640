using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// Issue 9, item 2: <c>LibNet.Tx</c> takes any size and streams it through the send ring
    /// within its deadline, with the LIBNET.md section 5 results, against a real peer on
    /// loopback, on the desktop engine and on the device's (poll sweep, callers poll) path.
    /// On the old main any Tx larger than the ring threw ArgumentOutOfRangeException.
    /// </summary>
    public class StreamingTxTests : NetTest
    {
        private readonly ITestOutputHelper _out;

        public StreamingTxTests(ITestOutputHelper output)
        {
            _out = output;
        }


        /// <summary>A plain peer thread that reads everything until the end of the stream.</summary>
        private sealed class Sink : IDisposable
        {
            private readonly Socket _listener = Loopback.Listener(4, 16384);
            private readonly Thread _thread;
            private readonly ManualResetEventSlim _go = new ManualResetEventSlim(true);
            private byte[] _got = new byte[1 << 20];
            private int _count;
            private volatile int _pauseAfter = int.MaxValue;

            internal Sink()
            {
                _thread = new Thread(Run) { IsBackground = true };
                _thread.Start();
            }

            internal int Port => Loopback.PortOf(_listener);

            /// <summary>Bytes read so far.</summary>
            internal int Count => Volatile.Read(ref _count);

            /// <summary>Stops reading once this many bytes arrived (until <see cref="Resume"/>).</summary>
            internal void PauseAfter(int bytes)
            {
                _go.Reset();
                _pauseAfter = bytes;
            }

            internal void Resume()
            {
                _pauseAfter = int.MaxValue;
                _go.Set();
            }

            internal byte[] Received
            {
                get
                {
                    byte[] r = new byte[Count];
                    Array.Copy(_got, r, r.Length);
                    return r;
                }
            }

            internal bool Ended { get; private set; }

            private void Run()
            {
                try
                {
                    using (Socket s = _listener.Accept())
                    {
                        byte[] b = new byte[8192];
                        while (true)
                        {
                            if (_count >= _pauseAfter)
                            {
                                _go.Wait();
                            }

                            int want = Math.Min(b.Length, _pauseAfter - _count);
                            int n = s.Receive(b, 0, Math.Max(1, want), SocketFlags.None);
                            if (n == 0)
                            {
                                Ended = true;
                                return;
                            }

                            if (_count + n > _got.Length)
                            {
                                Array.Resize(ref _got, Math.Max(_got.Length * 2, _count + n));
                            }

                            Array.Copy(b, 0, _got, _count, n);
                            Volatile.Write(ref _count, _count + n);
                        }
                    }
                }
                catch (Exception)
                {
                    // Listener closed by Dispose.
                }
            }

            internal bool WaitCount(int n, int ms)
            {
                return SpinWait.SpinUntil(() => Count >= n, ms);
            }

            internal bool WaitEnd(int ms)
            {
                return SpinWait.SpinUntil(() => Ended, ms);
            }

            public void Dispose()
            {
                _listener.Close();
                Resume();
                _thread.Join(Loopback.NetTestBound);
            }
        }

        [Theory]
        [InlineData(false, 64 * 1024)]
        [InlineData(true, 64 * 1024)]
        [InlineData(false, 1024 * 1024)]
        [InlineData(true, 1024 * 1024)]
        public void OneTxOfAnySizeThroughDefaultRingsArrivesIntact(bool sweep, int size)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            byte[] data = Loopback.Pattern(size, 3);
            using (Sink sink = new Sink())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    n.Config(0, false, false);
                    Assert.Equal(NetCtrl.DefaultBufferSize, n.TxCapacity);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, sink.Port));
                    Stopwatch sw = Stopwatch.StartNew();
                    Assert.True(LibNet.Tx(me, Bound, n, data, out bool full), NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                    _out.WriteLine(size + " B in one Tx: " + sw.ElapsedMilliseconds + " ms, " + n.Handoffs + " hand-offs");
                    Assert.False(full);
                    Assert.Equal(size, n.BytesOut);
                    Assert.Equal(0, n.TxPending);
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
                Assert.True(sink.WaitEnd(Bound));
                Assert.Equal(data, sink.Received);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AReaderThatStopsMidMessageCutsTheStreamNearTheDeadline(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            byte[] data = Loopback.Pattern(16 * 1024 * 1024, 5);
            using (Sink sink = new Sink())
            {
                sink.PauseAfter(100 * 1000);
                long ms = 0;
                long handed = 0;
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, sink.Port));
                    Stopwatch sw = Stopwatch.StartNew();
                    bool ok = LibNet.Tx(me, 500, n, data, out bool full);
                    ms = sw.ElapsedMilliseconds;

                    // Part went out, the rest could not: the stream is cut mid-message.
                    Assert.False(ok);
                    Assert.False(full);
                    Assert.Equal(NetError.Timeout, n.LastError);
                    Assert.Contains("cut", n.LastErrorMessage);
                    handed = n.BytesOut + n.TxPending;
                    Assert.InRange(handed, 100 * 1000, data.Length - 1);
                    Assert.Equal(NetCtrlState.Online, n.State);
                    LibNet.Close(me, 100, n);
                    n.Release();
                });
                _out.WriteLine("cut after " + ms + " ms with " + handed + " of " + data.Length + " bytes queued");
                Assert.InRange(ms, 490, 500 + Slack);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AReaderThatResumesBeforeTheDeadlineLetsTheCallFinish(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            byte[] data = Loopback.Pattern(8 * 1024 * 1024, 9);
            using (Sink sink = new Sink())
            {
                sink.PauseAfter(100 * 1000);
                using (ManualResetEventSlim sending = new ManualResetEventSlim())
                {
                    StartTask(UniqueName("resume"), me =>
                    {
                        NetCtrl n = NetCtrl.Create(adapter, me);
                        Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, sink.Port));
                        sending.Set();
                        Assert.True(LibNet.Tx(me, Bound, n, data, out bool full), NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                        Assert.False(full);
                        Assert.Equal(data.Length, n.BytesOut);
                        LibNet.Close(me, Bound, n);
                        n.Release();
                    });

                    // The reader stalls mid-message: 100 KB read of 8 MB, more than the socket buffers
                    // hold, so the Tx cannot finish and waits for room. Then it resumes.
                    Assert.True(sending.Wait(Bound));
                    Assert.True(sink.WaitCount(100 * 1000, Bound));
                    sink.Resume();
                    JoinAll();
                }

                Assert.True(sink.WaitEnd(Bound));
                Assert.Equal(data, sink.Received);
            }
        }

        [Fact]
        public void ADatagramLargerThanTheRingIsABadArgument()
        {
            int port = Loopback.FreePort(true);
            InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(Adapter, me);
                n.Config(0, true, false);
                Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, port));
                byte[] big = new byte[NetCtrl.DefaultBufferSize];
                Assert.Throws<ArgumentOutOfRangeException>(() => LibNet.Tx(me, Bound, n, big, out bool full));
                Assert.Equal(0, n.BytesOut);
                n.Release();
            });
        }
    }
}
