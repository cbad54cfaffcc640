using System;
using System.Threading;

namespace NanoLibNet.DeviceBench
{
    /// <summary>
    /// An idle phase the host measures the interpreter's CPU over: <c>conns</c> connections to
    /// the echo peer, each with a task blocked in LibNet.Wait (waiting), or all held open by one
    /// task that sleeps (open: the engine alone watches them).
    /// </summary>
    internal static class Idle
    {
        internal static void Run(NetAdapter adapter, int conns, bool waiting, int ms, string phase)
        {
            Holder h = new Holder(adapter, conns, waiting);
            h.Start();
            if (!h.AllConnected.WaitOne(20000, false))
            {
                throw new Exception(phase + ": not all connected");
            }

            Program.Mark(phase + "-start");
            Thread.Sleep(ms);
            Program.Mark(phase + "-end");
            h.Stop();
            Console.WriteLine("RESULT " + phase + " conns=" + conns + " ms=" + ms);
        }

        /// <summary>The interpreter's own floor: nothing but this thread, asleep.</summary>
        internal static void Floor(int ms, string phase)
        {
            Program.Mark(phase + "-start");
            Thread.Sleep(ms);
            Program.Mark(phase + "-end");
            Console.WriteLine("RESULT " + phase + " conns=0 ms=" + ms);
        }

        /// <summary>The raw baseline of connections held open: <c>conns</c> connected sockets, nobody polling them.</summary>
        internal static void RawOpen(int conns, int ms, string phase)
        {
            System.Net.Sockets.Socket[] s = new System.Net.Sockets.Socket[conns];
            for (int i = 0; i < conns; i++)
            {
                s[i] = Program.Connect(Program.EchoPort);
            }

            Program.Mark(phase + "-start");
            Thread.Sleep(ms);
            Program.Mark(phase + "-end");
            for (int i = 0; i < conns; i++)
            {
                s[i].Close();
            }

            Console.WriteLine("RESULT " + phase + " conns=" + conns + " ms=" + ms);
        }

        /// <summary>The raw baseline: <c>conns</c> connections, a thread blocked in a native Poll on each.</summary>
        internal static void Raw(int conns, int ms, string phase)
        {
            System.Net.Sockets.Socket[] s = new System.Net.Sockets.Socket[conns];
            Thread[] t = new Thread[conns];
            for (int i = 0; i < conns; i++)
            {
                s[i] = Program.Connect(Program.EchoPort);
                t[i] = new Thread(new RawWaiter(s[i]).Run);
                t[i].Start();
            }

            Program.Mark(phase + "-start");
            Thread.Sleep(ms);
            Program.Mark(phase + "-end");
            for (int i = 0; i < conns; i++)
            {
                // Closing a socket ends the Poll on it.
                s[i].Close();
                t[i].Join();
            }

            Console.WriteLine("RESULT " + phase + " conns=" + conns + " ms=" + ms);
        }

        private sealed class RawWaiter
        {
            private readonly System.Net.Sockets.Socket _s;

            internal RawWaiter(System.Net.Sockets.Socket s)
            {
                _s = s;
            }

            internal void Run()
            {
                try
                {
                    _s.Poll(-1, System.Net.Sockets.SelectMode.SelectRead);
                }
                catch (Exception)
                {
                    // Closed: done.
                }
            }
        }

        private sealed class Holder
        {
            private readonly NetAdapter _adapter;
            private readonly int _conns;
            private readonly bool _waiting;
            private readonly string[] _names;
            private int _connected;
            private static int s_seq;

            internal Holder(NetAdapter adapter, int conns, bool waiting)
            {
                _adapter = adapter;
                _conns = conns;
                _waiting = waiting;
                _names = new string[waiting ? conns : 1];
            }

            internal readonly ManualResetEvent AllConnected = new ManualResetEvent(false);

            internal void Start()
            {
                for (int i = 0; i < _names.Length; i++)
                {
                    _names[i] = "idle" + Interlocked.Increment(ref s_seq);
                    SysPlus.TaskInitEx(Body, _names[i], null, null);
                }
            }

            internal void Stop()
            {
                for (int i = 0; i < _names.Length; i++)
                {
                    SysPlus.SendMsg(_names[i], SocketEvent.Event, 0);
                    SysPlus.Join(_names[i], 10000);
                }
            }

            private void Body(object arg)
            {
                string me = SysPlus.CurrentTaskName;
                int mine = _waiting ? 1 : _conns;
                NetCtrl[] n = new NetCtrl[mine];
                for (int i = 0; i < mine; i++)
                {
                    n[i] = NetCtrl.Create(_adapter, me);
                    LibNet.Connect(me, 10000, n[i], "127.0.0.1", Program.EchoPort);
                }

                lock (AllConnected)
                {
                    _connected += mine;
                    if (_connected == _conns)
                    {
                        AllConnected.Set();
                    }
                }

                if (_waiting)
                {
                    // Blocked in Wait until the forced exit (SysPlus.SendMsg) ends it.
                    bool ev;
                    LibNet.Wait(me, 0, n[0], out ev);
                }
                else
                {
                    TaskMessage m;
                    SysPlus.WaitMsg(me, SocketEvent.Event, 0, out m);
                }

                for (int i = 0; i < mine; i++)
                {
                    n[i].Release();
                }
            }
        }
    }
}
