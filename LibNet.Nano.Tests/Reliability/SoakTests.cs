using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>
    /// Connect/Tx/Wait/Rx/Close cycles, sequential and 20 tasks x 10 sockets at once, on the
    /// simulated adapter and on loopback: zero leaked sockets, handles, threads or tasks (the
    /// base class checks after each test), no process thread gained, and a managed heap that
    /// stays flat (<see cref="HeapTrend"/>) over eight windows of the cycles. Default cycles keep
    /// CI fast; LIBNET_SOAK=10000 runs the full soak.
    /// </summary>
    public class SoakTests : SimTest
    {
        /// <summary>
        /// Threads (besides the thread pool's) a soak may gain: the runtime's own come and go
        /// (tiered JIT, timers); a thread leaked per cycle, or per 100 cycles, exceeds it.
        /// </summary>
        private const int ThreadNoise = 3;

        private const int Warmup = 50;
        private readonly ITestOutputHelper _out;

        public SoakTests(ITestOutputHelper output)
        {
            _out = output;
        }

        private static int Cycles
        {
            get
            {
                string s = Environment.GetEnvironmentVariable("LIBNET_SOAK");
                return int.TryParse(s, out int n) && n > 0 ? n : 400;
            }
        }

        /// <summary>
        /// The process's threads that are not the thread pool's: the pool grows and shrinks on its
        /// own (workers injected while test threads block: +4 over a 10,000-cycle soak); a
        /// thread the library leaks is not one of its threads.
        /// </summary>
        private static int ProcessThreads()
        {
            using (Process p = Process.GetCurrentProcess())
            {
                return p.Threads.Count - ThreadPool.ThreadCount;
            }
        }

        /// <summary>Runs the soak; returns the cycles it ran after the warm-up (a whole number of heap windows, at least one each).</summary>
        private int Soak(NetAdapter adapter, string host, int port, string label)
        {
            HeapTrend heap = new HeapTrend(Math.Max(1, Cycles / HeapTrend.Windows));
            int cycles = heap.Cycles;
            Stopwatch sw = new Stopwatch();
            int threadsAtStart = 0;
            InTask(me =>
            {
                byte[] data = Pattern(256, 3);
                byte[] back = new byte[256];
                for (int i = 0; i < cycles + Warmup; i++)
                {
                    if (i == Warmup)
                    {
                        // Counted with the adapter idle (no engine, no worker), as at the end;
                        // this task's own thread is the one more than there will be then.
                        Assert.True(adapter.WaitIdle(Bound));
                        threadsAtStart = ProcessThreads() - 1;
                        sw.Start();
                    }

                    if (i >= Warmup)
                    {
                        heap.At(i - Warmup);
                    }

                    NetCtrl n = NetCtrl.Create(adapter, me);
                    n.Config(0, false, false);
                    if (!LibNet.Connect(me, Bound, n, host, port))
                    {
                        string probe = "sim";
                        if (adapter is SocketAdapter)
                        {
                            try
                            {
                                using Socket c = Core.Loopback.Client(port);
                                probe = "a plain connect works";
                            }
                            catch (Exception ex)
                            {
                                probe = "a plain connect fails too: " + ex.Message;
                            }
                        }

                        Assert.Fail("cycle " + i + ": connect failed: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage + "; " + probe);
                    }
                    Assert.True(LibNet.Tx(me, Bound, n, data, out bool full), "cycle " + i + ": Tx");
                    Assert.False(full);
                    int got = 0;
                    while (got < back.Length)
                    {
                        Assert.True(LibNet.Wait(me, Bound, n, out bool ev) && ev, "cycle " + i + ": Wait");
                        got += Drain(n, back, got);
                    }

                    Assert.Equal(data, back);
                    LibNet.Close(me, Bound, n);
                    n.Release();
                    Array.Clear(back);
                }

                heap.At(cycles);
                sw.Stop();
            });

            Assert.True(adapter.WaitIdle(Bound));
            int threadGrowth = ProcessThreads() - threadsAtStart;
            _out.WriteLine(label + ": " + cycles + " cycles in " + sw.ElapsedMilliseconds + " ms (" + (sw.ElapsedMilliseconds * 1000.0 / cycles).ToString("F0") + " us/cycle, heap samples included), heap growth per " + heap.Window + " cycles " + string.Join(", ", heap.Growth) + " bytes, process threads " + threadGrowth.ToString("+0;-0;0") + ", sockets " + adapter.SocketCount + ", handles " + adapter.OpenHandles + ", adapter threads " + adapter.ThreadCount);
            Assert.True(threadGrowth <= ThreadNoise, label + ": the process gained " + threadGrowth + " threads over " + cycles + " cycles");
            heap.AssertFlat(label);
            Assert.Equal(0, adapter.OpenHandles);
            return cycles;
        }

        [Fact]
        public void SimulatedCycles()
        {
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            int cycles = Soak(Sim, SimulatedAdapter.PeerAddress, 80, "sim");
            Assert.Equal(cycles + Warmup, l.Connections);
            l.Close();
        }

        [Fact]
        public void LoopbackCycles()
        {
            using (SelectEcho echo = new SelectEcho())
            {
                Soak(Adapter, Core.Loopback.Ip, echo.Port, "loopback");
            }
        }

        private void Concurrent(NetAdapter adapter, string host, int port, int tasks, int sockets, int rounds)
        {
            Stopwatch sw = Stopwatch.StartNew();
            for (int t = 0; t < tasks; t++)
            {
                int seed = t;
                StartTask(UniqueName("c"), me =>
                {
                    NetCtrl[] ns = new NetCtrl[sockets];
                    for (int i = 0; i < sockets; i++)
                    {
                        ns[i] = NetCtrl.Create(adapter, me);
                        ns[i].Config(0, false, false);
                        Assert.True(LibNet.Connect(me, Bound * 2, ns[i], host, port), "connect: " + NetError.Name(ns[i].LastError));
                    }

                    for (int r = 0; r < rounds; r++)
                    {
                        for (int i = 0; i < sockets; i++)
                        {
                            EchoRoundTrip(me, ns[i], Pattern(100 + i, seed * 31 + r));
                        }
                    }

                    for (int i = 0; i < sockets; i++)
                    {
                        LibNet.Close(me, Bound, ns[i]);
                        ns[i].Release();
                    }
                });
            }

            JoinAll();
            _out.WriteLine(adapter.Name + ": " + tasks + " tasks x " + sockets + " sockets x " + rounds + " rounds in " + sw.ElapsedMilliseconds + " ms");
        }

        [Fact]
        public void TwentyTasksTimesTenSocketsSimulated()
        {
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            Concurrent(Sim, SimulatedAdapter.PeerAddress, 80, 20, 10, 5);
            Assert.Equal(200, l.Connections);
            l.Close();
        }

        [Fact]
        public void TwentyTasksTimesTenSocketsLoopback()
        {
            using (SelectEcho echo = new SelectEcho())
            {
                Concurrent(Adapter, Core.Loopback.Ip, echo.Port, 20, 10, 3);
            }
        }
    }

    /// <summary>
    /// A System.Net TCP echo server on 127.0.0.1 in one thread (Socket.Select over its clients),
    /// which forgets each client when it closes, so a long soak does not grow its memory.
    /// </summary>
    internal sealed class SelectEcho : IDisposable
    {
        private readonly Socket _listener;
        private readonly Thread _thread;
        private readonly List<Socket> _clients = new List<Socket>();
        private volatile bool _stop;

        internal SelectEcho()
        {
            _listener = Core.Loopback.Listener(backlog: 256);
            Port = Core.Loopback.PortOf(_listener);
            _thread = new Thread(Run) { IsBackground = true };
            _thread.Start();
        }

        internal int Port { get; }

        private void Run()
        {
            byte[] b = new byte[65536];
            List<Socket> read = new List<Socket>();
            while (!_stop)
            {
                read.Clear();
                read.Add(_listener);
                read.AddRange(_clients);
                Socket.Select(read, null, null, 50 * 1000);
                foreach (Socket s in read)
                {
                    if (s == _listener)
                    {
                        Socket c = _listener.Accept();
                        c.NoDelay = true;
                        _clients.Add(c);
                        continue;
                    }

                    int n;
                    try
                    {
                        n = s.Receive(b);
                    }
                    catch (SocketException)
                    {
                        n = 0;
                    }

                    if (n <= 0)
                    {
                        _clients.Remove(s);
                        s.Close();
                        continue;
                    }

                    // Echo payloads are small; a blocking send of them never waits long.
                    s.Send(b, 0, n, SocketFlags.None);
                }
            }

            foreach (Socket c in _clients)
            {
                c.Close();
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(5000);
            _listener.Close();
        }
    }
}
