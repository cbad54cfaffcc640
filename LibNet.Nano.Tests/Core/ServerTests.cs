using System;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// A server task listening on one netc and handing each client to a task of its own, the
    /// LuatOS way: TaskInitEx(serve, name), Accept(name, out client), SendMsg(name, id, 0, client).
    /// </summary>
    public class ServerTests : NetTest
    {
        private const int HandOver = 0x5001;
        private const int Clients = 3;

        private readonly ManualResetEventSlim _listening = new ManualResetEventSlim();
        private int _serving;
        private int _maxServing;

        /// <summary>
        /// Server body: accepts <see cref="Clients"/> clients, each served by its own task which
        /// answers every line with "echo:" + line until the client closes.
        /// </summary>
        private void RunServer(string me, NetAdapter adapter, int port, string[] served, ManualResetEventSlim listening)
        {
            NetCtrl listener = NetCtrl.Create(adapter, me);
            Assert.True(listener.Config(port, false, false));

            // Listen at the socket layer first so the clients can be told to come; LibNet.Listen then waits for each.
            Assert.True(listener.Listen(out bool waiting), listener.LastErrorMessage);
            Assert.False(waiting);
            listening.Set();
            for (int i = 0; i < Clients; i++)
            {
                Assert.True(LibNet.Listen(me, 10000, listener), "no client " + i + ": " + listener.LastErrorMessage);
                Assert.Equal(NetCtrlState.Listening, listener.State);
                string name = UniqueName("serve" + i);
                served[i] = name;
                StartTask(name, Serve);
                Assert.True(listener.Accept(name, out NetCtrl client));
                Assert.NotNull(client);
                Assert.Equal(name, client.TaskName);
                Assert.Equal(NetCtrlState.Online, client.State);
                Assert.True(SysPlus.SendMsg(name, HandOver, 0, client, null));
            }

            Assert.False(listener.Accept(me, out NetCtrl none));
            Assert.Null(none);
            LibNet.Close(me, 10000, listener);
            listener.Release();
        }

        private void Serve(string me)
        {
            Assert.True(SysPlus.WaitMsg(me, HandOver, 10000, out TaskMessage msg));
            NetCtrl c = (NetCtrl)msg.Source;
            Assert.Equal(me, c.TaskName);
            int now = Interlocked.Increment(ref _serving);
            InterlockedMax(ref _maxServing, now);
            try
            {
                byte[] buf = new byte[256];
                byte[] prefix = Encoding.ASCII.GetBytes("echo:");
                while (LibNet.Wait(me, 10000, c, out bool ev) && ev)
                {
                    if (!c.Rx(buf, 0, buf.Length, out int n))
                    {
                        break;
                    }

                    if (n == 0)
                    {
                        continue;
                    }

                    Assert.True(LibNet.Tx(me, 10000, c, prefix, out bool full) && !full);
                    Assert.True(LibNet.Tx(me, 10000, c, buf, 0, n, out full) && !full);
                }

                Assert.Equal(NetCtrlState.Closed, c.State);
            }
            finally
            {
                Interlocked.Decrement(ref _serving);
            }

            LibNet.Close(me, 10000, c);
            c.Release();
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ServesThreePlainClientsAtOnceEachInItsOwnTask(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            int port = Loopback.FreePort();
            string[] served = new string[Clients];
            StartTask(UniqueName("server"), me => RunServer(me, adapter, port, served, _listening));
            Assert.True(_listening.Wait(10000), "server did not listen");

            // Connect all three before any speaks, so all are served at once.
            Socket[] clients = new Socket[Clients];
            try
            {
                for (int i = 0; i < Clients; i++)
                {
                    clients[i] = Loopback.Client(port);
                }

                for (int round = 0; round < 2; round++)
                {
                    for (int i = 0; i < Clients; i++)
                    {
                        clients[i].Send(Encoding.ASCII.GetBytes("c" + i + "r" + round));
                    }

                    for (int i = 0; i < Clients; i++)
                    {
                        string want = "echo:c" + i + "r" + round;
                        Assert.Equal(want, Encoding.ASCII.GetString(Loopback.ReadExactly(clients[i], want.Length)));
                    }
                }

                // Every client got its answer while all three were still connected: three serving tasks at once.
                Assert.Equal(Clients, Volatile.Read(ref _maxServing));
                for (int i = 0; i < Clients; i++)
                {
                    Assert.True(SysPlus.Exists(served[i]), "serving task " + i + " ended early");
                }
            }
            finally
            {
                foreach (Socket c in clients)
                {
                    c?.Close();
                }
            }

            JoinAll();
            Assert.Equal(0, _serving);
        }

        [Fact]
        public void ServesThreeLibNetClientTasks()
        {
            int port = Loopback.FreePort();
            string[] served = new string[Clients];
            StartTask(UniqueName("server"), me => RunServer(me, Adapter, port, served, _listening));
            Assert.True(_listening.Wait(10000), "server did not listen");
            using (Barrier allConnected = new Barrier(Clients))
            {
                for (int i = 0; i < Clients; i++)
                {
                    int id = i;
                    StartTask(UniqueName("client" + i), me =>
                    {
                        NetCtrl netc = NetCtrl.Create(Adapter, me);
                        Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, port), netc.LastErrorMessage);

                        Assert.True(allConnected.SignalAndWait(10000), "not all clients connected");
                        byte[] hello = Encoding.ASCII.GetBytes("hello" + id);
                        Assert.True(LibNet.Tx(me, 10000, netc, hello, out bool full) && !full);
                        string want = "echo:hello" + id;
                        byte[] buf = new byte[64];
                        int got = 0;
                        while (got < want.Length)
                        {
                            Assert.True(LibNet.Wait(me, 10000, netc, out bool ev) && ev);
                            Assert.True(netc.Rx(buf, got, buf.Length - got, out int n));
                            got += n;
                        }

                        Assert.Equal(want, Encoding.ASCII.GetString(buf, 0, got));
                        Assert.True(allConnected.SignalAndWait(10000), "not all clients were answered");
                        LibNet.Close(me, 10000, netc);
                        netc.Release();
                    });
                }

                JoinAll();
            }

            Assert.Equal(Clients, _maxServing);
        }

        [Fact]
        public void ListenTimesOutAndKeepsListening()
        {
            int port = Loopback.FreePort();
            ManualResetEventSlim timedOut = new ManualResetEventSlim();
            StartTask(UniqueName("lto"), me =>
            {
                NetCtrl l = NetCtrl.Create(Adapter, me);
                l.Config(port, false, false);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                Assert.False(LibNet.Listen(me, 150, l));
                Assert.InRange(sw.ElapsedMilliseconds, 140, 150 + 250);
                Assert.Equal(NetCtrlState.Listening, l.State);
                timedOut.Set();

                // A client that sent and left before it was accepted: its data, then its close.
                Assert.True(LibNet.Listen(me, 10000, l));
                Assert.True(l.Accept(me, out NetCtrl c));
                byte[] buf = new byte[8];
                int got = 0;
                while (LibNet.Wait(me, 10000, c, out bool ev) && ev)
                {
                    Assert.True(c.Rx(buf, got, buf.Length - got, out int n) || n == 0);
                    got += n;
                    if (c.State == NetCtrlState.Closed && c.RxPending == 0)
                    {
                        break;
                    }
                }

                Assert.Equal("hi", Encoding.ASCII.GetString(buf, 0, got));
                Assert.Equal(NetCtrlState.Closed, c.State);
                c.Release();
                l.Release();
            });
            Assert.True(timedOut.Wait(10000));
            using (Socket s = Loopback.Client(port))
            {
                s.Send(Encoding.ASCII.GetBytes("hi"));
                s.Shutdown(SocketShutdown.Both);
            }

            JoinAll();
        }
    }
}