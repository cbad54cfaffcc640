using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.DeviceBench
{
    /// <summary>
    /// How late a task blocked in LibNet.Wait sees the first byte that comes after a long idle: a
    /// raw listener in the app accepts the task's connection, waits, stamps the time and sends one
    /// byte; the task stamps the time its Wait returned.
    /// </summary>
    internal static class FirstByte
    {
        private static int s_seq;

        /// <summary>Ticks from the peer's Send to the task's return from Wait, after <paramref name="idleMs"/> of idle.</summary>
        internal static long AfterIdle(NetAdapter adapter, int idleMs)
        {
            Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 0));
            listener.Listen(1);
            int port = ((IPEndPoint)listener.LocalEndPoint).Port;
            Probe probe = new Probe(adapter, port);
            string name = "first" + Interlocked.Increment(ref s_seq);
            SysPlus.TaskInitEx(probe.Body, name, null, null);
            Socket c = listener.Accept();
            probe.Connected.WaitOne(10000, false);
            Thread.Sleep(idleMs);
            long sent = Program.Now();
            c.Send(new byte[] { 42 }, 0, 1, SocketFlags.None);
            SysPlus.Join(name, 10000);
            c.Close();
            listener.Close();
            if (probe.Failure != null)
            {
                throw new Exception(probe.Failure);
            }

            return probe.SeenAt - sent;
        }

        private sealed class Probe
        {
            private readonly NetAdapter _adapter;
            private readonly int _port;

            internal Probe(NetAdapter adapter, int port)
            {
                _adapter = adapter;
                _port = port;
            }

            internal readonly ManualResetEvent Connected = new ManualResetEvent(false);
            internal long SeenAt;
            internal string Failure;

            internal void Body(object arg)
            {
                string me = SysPlus.CurrentTaskName;
                NetCtrl n = NetCtrl.Create(_adapter, me);
                try
                {
                    if (!LibNet.Connect(me, 10000, n, "127.0.0.1", _port))
                    {
                        Failure = "connect: " + n.LastErrorMessage;
                        return;
                    }

                    Connected.Set();
                    bool ev;
                    if (!LibNet.Wait(me, 10000, n, out ev) || !ev)
                    {
                        Failure = "Wait: " + n.LastErrorMessage;
                        return;
                    }

                    SeenAt = Program.Now();
                    LibNet.Close(me, 1000, n);
                }
                finally
                {
                    n.Release();
                }
            }
        }
    }
}
