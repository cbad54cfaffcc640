using System;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.DeviceBench
{
    /// <summary>An echo round trip against the host's echo peer: raw nano sockets, and LibNet in a task.</summary>
    internal static class Echo
    {
        private static int s_seq;

        /// <summary>Mean ticks per round trip, raw: Send, then Receive until it all came back.</summary>
        internal static long Raw(int size, int rounds)
        {
            byte[] data = Pattern(size);
            byte[] back = new byte[size];
            Socket s = Program.Connect(Program.EchoPort);
            long t0 = Program.Now();
            for (int r = 0; r < rounds; r++)
            {
                s.Send(data, 0, size, SocketFlags.None);
                int got = 0;
                while (got < size)
                {
                    int n = s.Receive(back, got, size - got, SocketFlags.None);
                    if (n <= 0)
                    {
                        throw new Exception("the echo peer closed");
                    }

                    got += n;
                }
            }

            long ticks = (Program.Now() - t0) / rounds;
            s.Close();
            return ticks;
        }

        /// <summary>Mean ticks per round trip, LibNet: Tx, then Wait and Rx until it all came back, in a task.</summary>
        internal static long LibNet(NetAdapter adapter, int size, int rounds)
        {
            Run run = new Run(adapter, size, rounds);
            string name = "echo" + Interlocked.Increment(ref s_seq);
            if (!SysPlus.TaskInitEx(run.Body, name, null, null) || !SysPlus.Join(name, 120000))
            {
                throw new Exception("the LibNet echo task did not end");
            }

            if (run.Failure != null)
            {
                throw new Exception(run.Failure);
            }

            return run.Ticks;
        }

        internal static byte[] Pattern(int size)
        {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++)
            {
                b[i] = (byte)(i * 7 + 1);
            }

            return b;
        }

        private sealed class Run
        {
            private readonly NetAdapter _adapter;
            private readonly int _size;
            private readonly int _rounds;

            internal Run(NetAdapter adapter, int size, int rounds)
            {
                _adapter = adapter;
                _size = size;
                _rounds = rounds;
            }

            internal long Ticks;
            internal string Failure;

            internal void Body(object arg)
            {
                string me = SysPlus.CurrentTaskName;
                NetCtrl n = NetCtrl.Create(_adapter, me);
                try
                {
                    n.Config(0, false, false);
                    if (!NanoLibNet.LibNet.Connect(me, 10000, n, "127.0.0.1", Program.EchoPort))
                    {
                        Failure = "connect: " + n.LastErrorMessage;
                        return;
                    }

                    byte[] data = Pattern(_size);
                    byte[] back = new byte[_size];
                    long t0 = Program.Now();
                    for (int r = 0; r < _rounds; r++)
                    {
                        bool full;
                        if (!NanoLibNet.LibNet.Tx(me, 10000, n, data, out full) || full)
                        {
                            Failure = "Tx: " + n.LastErrorMessage;
                            return;
                        }

                        int got = 0;
                        while (got < _size)
                        {
                            bool ev;
                            if (!NanoLibNet.LibNet.Wait(me, 10000, n, out ev) || !ev)
                            {
                                Failure = "Wait: " + n.LastErrorMessage;
                                return;
                            }

                            int read;
                            n.Rx(back, got, _size - got, out read);
                            got += read;
                        }
                    }

                    Ticks = (Program.Now() - t0) / _rounds;
                    NanoLibNet.LibNet.Close(me, 2000, n);
                }
                finally
                {
                    n.Release();
                }
            }
        }
    }
}
