using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// The README's first command: an echo peer on loopback (plain System.Net, the way a real
    /// server would be) and a LibNet client task that waits for the link, connects, sends, waits,
    /// reads and closes, printing each step with its result and time.
    /// </summary>
    public static class Program
    {
        private static readonly ManualResetEvent s_done = new ManualResetEvent(false);
        private static int s_port;
        private static int s_failures;
        private static DateTime s_start;

        public static int Main()
        {
            TcpListener peer = new TcpListener(IPAddress.Loopback, 0);
            peer.Start();
            s_port = ((IPEndPoint)peer.LocalEndpoint).Port;
            Thread echo = new Thread(() => EchoPeer(peer));
            echo.Start();
            Console.WriteLine("echo peer listening on 127.0.0.1:" + s_port);

            s_start = DateTime.UtcNow;
            SysPlus.TaskInitEx(ClientTask, "client", null, null);
            bool finished = s_done.WaitOne(15000) && SysPlus.Join("client", 5000);
            peer.Stop();
            echo.Join(2000);
            NetAdapter.Default.WaitIdle(2000);
            Console.WriteLine("sockets left: " + NetAdapter.Default.SocketCount + ", tasks left: " + SysPlus.TaskCount);
            if (!finished || s_failures > 0)
            {
                Console.WriteLine("DEMO FAILED");
                return 1;
            }

            Console.WriteLine("DEMO OK");
            return 0;
        }

        private static void Step(string what, bool ok)
        {
            if (!ok)
            {
                s_failures++;
            }

            Console.WriteLine(string.Format("[{0,6:F1} ms] {1,-44} -> {2}", (DateTime.UtcNow - s_start).TotalMilliseconds, what, ok));
        }

        private static void ClientTask(object arg)
        {
            const string me = "client";
            NetCtrl netc = NetCtrl.Create(me);
            try
            {
                Step("LibNet.WaitLink(5000)", LibNet.WaitLink(me, 5000, netc));
                Step("LibNet.Connect(3000, 127.0.0.1:" + s_port + ")", LibNet.Connect(me, 3000, netc, "127.0.0.1", s_port));

                byte[] hello = Encoding.UTF8.GetBytes("hello from a LibNet task");
                bool full;
                Step("LibNet.Tx(" + hello.Length + " bytes)", LibNet.Tx(me, 3000, netc, hello, out full) && !full);

                byte[] buf = new byte[256];
                int got = 0;
                while (got < hello.Length)
                {
                    bool ev;
                    bool ok = LibNet.Wait(me, 3000, netc, out ev);
                    Step("LibNet.Wait(3000) event=" + ev, ok && ev);
                    if (!ok || !ev)
                    {
                        break;
                    }

                    int n;
                    netc.Rx(buf, got, buf.Length - got, out n);
                    got += n;
                }

                string echoed = Encoding.UTF8.GetString(buf, 0, got);
                Step("NetCtrl.Rx -> \"" + echoed + "\"", echoed == "hello from a LibNet task");

                bool idle;
                Step("LibNet.Wait(200) with nothing to read", LibNet.Wait(me, 200, netc, out idle) && !idle);

                LibNet.Close(me, 2000, netc);
                Step("LibNet.Close(2000) -> state " + netc.State, netc.State == NetCtrlState.Closed);
            }
            finally
            {
                netc.Release();
                s_done.Set();
            }
        }

        private static void EchoPeer(TcpListener listener)
        {
            try
            {
                using (Socket s = listener.AcceptSocket())
                {
                    byte[] b = new byte[1024];
                    int n;
                    while ((n = s.Receive(b)) > 0)
                    {
                        s.Send(b, 0, n, SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
                // The listener was stopped.
            }
            catch (InvalidOperationException)
            {
                // It was stopped before this thread got to accept.
            }
        }
    }
}
