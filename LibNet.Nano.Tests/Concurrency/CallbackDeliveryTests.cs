using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet.Tests.Core;
using NanoLibNet.Tests.Reliability;
using Xunit;

namespace NanoLibNet.Tests.Concurrency
{
    /// <summary>
    /// Issue 10, defect 5: a callback netc's events come from one thread (the adapter's engine)
    /// and in causal order. On the old main OnLine was raised on the connect worker and Link on
    /// whichever thread changed the link (every run), and the engine could raise Closed before
    /// the worker's OnLine.
    /// </summary>
    public class CallbackDeliveryTests : SimTest
    {
        private sealed class Recorder
        {
            private readonly object _lock = new object();
            internal readonly List<int> Ids = new List<int>();
            internal readonly List<int> Params = new List<int>();
            internal readonly HashSet<int> Threads = new HashSet<int>();

            internal void On(TaskMessage m)
            {
                lock (_lock)
                {
                    Ids.Add(m.Id);
                    Params.Add(m.Param);
                    Threads.Add(Thread.CurrentThread.ManagedThreadId);
                }
            }

            internal int Count(int id)
            {
                lock (_lock)
                {
                    return Ids.FindAll(x => x == id).Count;
                }
            }

            internal int[] Snapshot()
            {
                lock (_lock)
                {
                    return Ids.ToArray();
                }
            }
        }

        [Fact]
        public void LinkOnLineAndDataEventsOfACallbackNetcComeFromTheEngineThreadInOrder()
        {
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            Recorder r = new Recorder();
            NetCtrl n = NetCtrl.Create(Sim, r.On);
            n.Config(0, false, false);

            Sim.SetLinkUp(false);
            Assert.True(n.LinkUp(out bool linked));
            Assert.False(linked);
            Sim.SetLinkUp(true); // this (test) thread changes the link
            Until(() => r.Count(SocketEvent.Link) == 1, "the Link event");

            Assert.True(n.Connect(SimulatedAdapter.PeerAddress, 80, out bool _));
            Until(() => r.Count(SocketEvent.OnLine) == 1, "the OnLine event");
            Assert.True(n.Wait(out bool has));
            Assert.False(has);
            Assert.True(n.Tx(Pattern(10), 0, 10, out bool full, out bool _));
            Until(() => r.Count(SocketEvent.Event) == 1, "the Event event");
            n.Release();

            Assert.Equal(new[] { SocketEvent.Link, SocketEvent.OnLine }, new[] { r.Ids[0], r.Ids[1] });
            Assert.Single(r.Threads);
            Assert.DoesNotContain(Thread.CurrentThread.ManagedThreadId, r.Threads);
        }

        [Fact]
        public void OnLineComesBeforeClosedWhenThePeerHangsUpAtOnce()
        {
            // A real peer that closes each connection the moment it accepts it, while another
            // connection keeps the engine turning: the engine may see the end of stream at the
            // moment the connect completes; OnLine must still be delivered first.
            int n = Races.Iterations(100);
            using (Socket listener = Loopback.Listener(64))
            using (EchoPeer busy = EchoPeer.Tcp())
            {
                Thread closer = new Thread(() =>
                {
                    try
                    {
                        while (true)
                        {
                            listener.Accept().Close();
                        }
                    }
                    catch (SocketException)
                    {
                        // Listener closed: done.
                    }
                    catch (System.ObjectDisposedException)
                    {
                        // Listener closed: done.
                    }
                }) { IsBackground = true };
                closer.Start();

                using (ManualResetEventSlim stop = new ManualResetEventSlim())
                {
                    StartTask(UniqueName("busy"), me =>
                    {
                        NetCtrl b = NetCtrl.Create(Adapter, me);
                        Assert.True(LibNet.Connect(me, Bound, b, Loopback.Ip, busy.Port));
                        byte[] d = Loopback.Pattern(16);
                        while (!stop.IsSet)
                        {
                            TcpTests.Exchange(me, b, d);
                        }

                        LibNet.Close(me, Bound, b);
                        b.Release();
                    });

                    for (int i = 0; i < n; i++)
                    {
                        Recorder r = new Recorder();
                        NetCtrl c = NetCtrl.Create(Adapter, r.On);
                        Assert.True(c.Connect(Loopback.Ip, Loopback.PortOf(listener), out bool _));
                        Until(() => r.Count(SocketEvent.Closed) == 1 || r.Count(SocketEvent.OnLine) == 1 && c.State == NetCtrlState.Error, "the connection's end");
                        c.Release();
                        int[] ids = r.Snapshot();
                        Assert.True(ids.Length > 0 && ids[0] == SocketEvent.OnLine, "first event " + (ids.Length == 0 ? "none" : ids[0].ToString()) + " in run " + i);
                        Assert.Single(r.Threads);
                    }

                    stop.Set();
                    JoinAll();
                }

                listener.Close();
                closer.Join(Bound);
            }
        }
    }
}
